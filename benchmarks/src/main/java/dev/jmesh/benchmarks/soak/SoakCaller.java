package dev.jmesh.benchmarks.soak;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The soak run's application: an ordinary JDK-client caller, no timeouts of its own, THREADS
 * threads each making a GET every PACE_MS for SECONDS after WARMUP_SECONDS. It prints a line
 * every 10 s and, at the start of the measured part and at its end, its threads, open file
 * descriptors and heap after a full GC.
 *
 * <pre>
 * SoakCaller URL THREADS PACE_MS WARMUP_SECONDS SECONDS
 * </pre>
 */
public final class SoakCaller {

    private static final AtomicLong calls = new AtomicLong();
    private static final AtomicLong failures = new AtomicLong();
    private static final LongAccumulator slowestMillis = new LongAccumulator(Math::max, 0);
    private static final AtomicLong overOneSecond = new AtomicLong();
    private static final Map<String, AtomicLong> failureKinds = new ConcurrentHashMap<>();

    private SoakCaller() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int threads = Integer.parseInt(args[1]);
        long paceMillis = Long.parseLong(args[2]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        long runNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        HttpClient client = HttpClient.newHttpClient();
        long start = System.nanoTime();
        long measuredFrom = start + warmupNanos;
        long end = measuredFrom + runNanos;
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread caller = new Thread(() -> {
                HttpRequest request = HttpRequest.newBuilder(uri).build();
                for (long next = System.nanoTime(); next < end; next += TimeUnit.MILLISECONDS.toNanos(paceMillis)) {
                    sleepUntil(next);
                    call(client, request, System.nanoTime() >= measuredFrom);
                }
                done.countDown();
            }, "soak-caller-" + i);
            caller.start();
        }
        sleepUntil(measuredFrom);
        state("start");
        // The end state is taken while the callers still run, as the start state was.
        long endState = end - TimeUnit.SECONDS.toNanos(2);
        for (long report = measuredFrom + TimeUnit.SECONDS.toNanos(10); report < endState;
                report += TimeUnit.SECONDS.toNanos(10)) {
            sleepUntil(report);
            System.out.printf("PROGRESS seconds=%d calls=%d failed=%d slowest_ms=%d over_1s=%d%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - measuredFrom), calls.get(), failures.get(),
                    slowestMillis.get(), overOneSecond.get());
        }
        sleepUntil(endState);
        state("end");
        done.await();
        System.out.printf("RESULT calls=%d failed=%d slowest_ms=%d over_1s=%d failures=%s%n", calls.get(),
                failures.get(), slowestMillis.get(), overOneSecond.get(), failureKinds);
        System.out.flush();
        System.exit(0);
    }

    private static void call(HttpClient client, HttpRequest request, boolean measured) {
        long start = System.nanoTime();
        boolean failed;
        String kind = null;
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            failed = response.statusCode() != 200;
            kind = failed ? "status " + response.statusCode() : null;
        } catch (Exception e) {
            failed = true;
            kind = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (!measured) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        calls.incrementAndGet();
        slowestMillis.accumulate(millis);
        if (millis >= 1000) {
            overOneSecond.incrementAndGet();
        }
        if (failed) {
            failures.incrementAndGet();
            if (failureKinds.size() < 10) {
                failureKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /** Threads, open file descriptors and heap after a full GC, as the process sees them. */
    private static void state(String when) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String[] fds = new File("/proc/self/fd").list();
        System.out.printf("STATE %s threads=%d fds=%d heap_bytes=%d%n", when,
                ManagementFactory.getThreadMXBean().getThreadCount(), fds == null ? -1 : fds.length, heap);
        System.out.flush();
    }

    private static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

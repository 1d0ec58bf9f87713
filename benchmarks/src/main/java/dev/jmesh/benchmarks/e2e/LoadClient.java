package dev.jmesh.benchmarks.e2e;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The client JVM of one cell: a closed loop of {@code --concurrency} threads, each doing
 * request, whole response, next request, against {@code --url} with {@code --client jdk} or
 * {@code okhttp}. After {@code --warmup-ms} it measures for {@code --measure-ms}: every request
 * that starts and ends inside that window is recorded in a per-thread histogram. It has no
 * jmesh dependency; whether the URL's host is a mesh name or an address is the cell's business.
 * With {@code --peer-pid PID} it also reads that process's CPU time (and its children's) from
 * {@code /proc} at the start and the end of the measured window: the proxy's or the server's.
 *
 * <p>Prints one line on standard output:
 * <pre>E2E-RESULT label=.. client=.. concurrency=.. requests=.. total_requests=.. errors=.. seconds=.. rps=..
 *     mean_us=.. p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=.. cpu_us_per_req=.. peer_cpu_us_per_req=.. gc=.. hist=..</pre>
 * ({@code requests} were measured; {@code total_requests} counts warm-up too; latencies in
 * µs; {@code cpu_us_per_req} is this JVM's CPU time over the measured window divided by the
 * measured requests; {@code peer_cpu_us_per_req} the same for the peer, {@code NaN} without
 * one; {@code hist} is the {@link LatencyHistogram#encode() encoded} histogram),
 * and exits 0, or exits 3 when any measured request failed.
 */
public final class LoadClient {

    private LoadClient() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String url = args.get("url");
        String client = args.get("client");
        String label = args.get("label", "-");
        int concurrency = args.getInt("concurrency", 1);
        long warmupNanos = TimeUnit.MILLISECONDS.toNanos(args.getInt("warmup-ms", 5000));
        long measureNanos = TimeUnit.MILLISECONDS.toNanos(args.getInt("measure-ms", 10000));
        long peerPid = Long.parseLong(args.get("peer-pid", "-1"));

        try (Caller caller = Caller.of(client, url, concurrency)) {
            String first = caller.fetchBody();
            if (!first.startsWith("200 ")) {
                System.err.println("load-client: " + url + " answered " + first);
                System.exit(2);
            }

            long start = System.nanoTime();
            long measureStart = start + warmupNanos;
            long measureEnd = measureStart + measureNanos;
            Worker[] workers = new Worker[concurrency];
            for (int i = 0; i < concurrency; i++) {
                workers[i] = new Worker(caller, measureStart, measureEnd);
                workers[i].setName("load-" + i);
                workers[i].start();
            }

            sleepUntil(measureStart);
            long cpuStart = processCpuNanos();
            long peerCpuStart = peerCpuNanos(peerPid);
            long gcStart = gcCount();
            sleepUntil(measureEnd);
            long cpuEnd = processCpuNanos();
            long peerCpuEnd = peerCpuNanos(peerPid);
            long gcEnd = gcCount();
            for (Worker worker : workers) {
                worker.join();
            }

            LatencyHistogram all = new LatencyHistogram();
            long errors = 0;
            long totalCalls = 1; // the sanity check's
            for (Worker worker : workers) {
                all.add(worker.histogram);
                errors += worker.errors;
                totalCalls += worker.calls;
            }
            for (Worker worker : workers) {
                if (worker.firstError.get() != null) {
                    System.err.println("load-client: first error: " + worker.firstError.get());
                    break;
                }
            }
            long requests = all.count();
            double seconds = measureNanos / 1e9;
            double peerCpu = requests == 0 || peerCpuStart < 0 || peerCpuEnd < 0 ? Double.NaN
                    : (peerCpuEnd - peerCpuStart) / 1e3 / requests;
            System.out.println(String.format(Locale.ROOT,
                    "E2E-RESULT label=%s client=%s concurrency=%d requests=%d total_requests=%d errors=%d seconds=%.3f rps=%.1f"
                            + " mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f cpu_us_per_req=%.2f peer_cpu_us_per_req=%.2f"
                            + " gc=%d hist=%s",
                    label, client, concurrency, requests, totalCalls, errors, seconds, requests / seconds,
                    all.mean() / 1e3, all.valueAt(0.50) / 1e3, all.valueAt(0.90) / 1e3, all.valueAt(0.99) / 1e3,
                    all.valueAt(0.999) / 1e3, all.valueAt(1.0) / 1e3,
                    requests == 0 ? 0.0 : (cpuEnd - cpuStart) / 1e3 / requests, peerCpu, gcEnd - gcStart, all.encode()));
            System.out.flush();
            if (errors > 0 || requests == 0) {
                System.exit(3);
            }
        }
    }

    private static final class Worker extends Thread {
        private final Caller caller;
        private final long measureStart;
        private final long measureEnd;
        final LatencyHistogram histogram = new LatencyHistogram();
        long errors;
        long calls;
        final AtomicReference<String> firstError = new AtomicReference<>();

        Worker(Caller caller, long measureStart, long measureEnd) {
            this.caller = caller;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
        }

        @Override
        public void run() {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= measureEnd) {
                    return;
                }
                boolean ok;
                try {
                    int status = caller.call();
                    ok = status == 200;
                    if (!ok) {
                        firstError.compareAndSet(null, "status " + status);
                    }
                } catch (Exception e) {
                    ok = false;
                    firstError.compareAndSet(null, e.toString());
                }
                long t1 = System.nanoTime();
                if (ok) {
                    calls++;
                }
                if (t0 >= measureStart && t1 <= measureEnd) {
                    if (ok) {
                        histogram.record(t1 - t0);
                    } else {
                        errors++;
                    }
                }
                if (!ok) {
                    LockSupport.parkNanos(1_000_000); // a failing setup must not spin
                }
            }
        }
    }

    private static void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long peerCpuNanos(long pid) {
        return pid < 0 ? -1 : Processes.cpuNanos(pid);
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}

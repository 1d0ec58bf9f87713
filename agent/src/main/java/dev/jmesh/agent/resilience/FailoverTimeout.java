package dev.jmesh.agent.resilience;

import dev.jmesh.agent.metrics.LatencyHistogram;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long an attempt that could fail over may take when the policy sets no
 * {@code perTryTimeout}: four times the service's recent p99, never less than 250 ms, and 1 s
 * until the service has answered 20 attempts. A host that goes silent (a crashed VM, a
 * partition: no answer, no reset) then costs a call one such bound instead of the
 * application's own timeout, or the kernel's two minutes of SYN retries when it set none.
 *
 * <p>The mesh bounds only an attempt that has a retry left, so this never fails a call that
 * would have succeeded: the last attempt waits as long as the application does. Its cost is a
 * duplicate of a slow idempotent request, within the retry budget.
 *
 * <p>"Recent" is the last window of at least 20 samples and at least a second. Recording is
 * lock-free; one caller a second rebuilds the bound from a histogram snapshot.
 */
public final class FailoverTimeout {

    private static final long FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long UNOBSERVED_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int P99_MULTIPLE = 4;
    private static final int MIN_SAMPLES = 20;
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** The histogram at the start of the current window; touched only by the refreshing caller. */
    private long[] windowStart;
    private volatile long nextRefreshNanos;
    private volatile long boundNanos = UNOBSERVED_NANOS;

    public FailoverTimeout(long nowNanos) {
        this.windowStart = latency.snapshot();
        this.nextRefreshNanos = nowNanos + REFRESH_NANOS;
    }

    /** An attempt was answered (any status) after {@code nanos}. */
    public void record(long nanos) {
        latency.record(nanos);
    }

    /** The bound for an attempt starting now, in milliseconds (at least 1). */
    public long boundMillis(long nowNanos) {
        if (nowNanos - nextRefreshNanos >= 0 && refreshing.compareAndSet(false, true)) {
            try {
                refresh(nowNanos);
            } finally {
                refreshing.set(false);
            }
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(boundNanos));
    }

    private void refresh(long nowNanos) {
        nextRefreshNanos = nowNanos + REFRESH_NANOS;
        long[] now = latency.snapshot();
        long[] window = new long[now.length];
        long samples = 0;
        for (int i = 0; i < now.length; i++) {
            window[i] = now[i] - windowStart[i];
            samples += window[i];
        }
        if (samples < MIN_SAMPLES) {
            return; // too few to judge: keep the bound, and let the window grow
        }
        windowStart = now;
        long p99Nanos = TimeUnit.MICROSECONDS.toNanos(LatencyHistogram.quantileMicros(window, 0.99));
        boundNanos = Math.max(FLOOR_NANOS, P99_MULTIPLE * p99Nanos);
    }
}

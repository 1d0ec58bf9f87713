package dev.jmesh.agent.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram over Istio's default buckets: durations in milliseconds
 * ({@code istio_request_duration_milliseconds}) or sizes in bytes ({@code istio_request_bytes}).
 * Recording is a short scan and two striped adds: lock-free, no allocation, no contention
 * between threads.
 */
public final class Histogram {

    /** Istio's (Envoy's) default bucket bounds for durations, in milliseconds. */
    private static final double[] DURATION_BOUNDS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
        30000, 60000, 300000, 600000, 1800000, 3600000};
    /** Istio's bucket bounds for request and response sizes, in bytes: powers of ten to 1 GB. */
    private static final double[] SIZE_BOUNDS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
        1000000000};

    private final double[] bounds;
    private final LongAdder[] buckets;
    private final DoubleAdder sum = new DoubleAdder();

    private Histogram(double[] bounds) {
        this.bounds = bounds;
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Durations, recorded in nanoseconds, exposed in milliseconds. */
    public static Histogram durations() {
        return new Histogram(DURATION_BOUNDS);
    }

    /** Sizes in bytes. */
    public static Histogram sizes() {
        return new Histogram(SIZE_BOUNDS);
    }

    public void recordNanos(long nanos) {
        record(nanos / 1e6);
    }

    public void record(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        sum.add(value);
    }

    double[] bounds() {
        return bounds;
    }

    /** Cumulative counts per bound, the last one being {@code +Inf} (the total count). */
    long[] cumulative() {
        long[] counts = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            counts[i] = running;
        }
        return counts;
    }

    double sum() {
        return sum.sum();
    }
}

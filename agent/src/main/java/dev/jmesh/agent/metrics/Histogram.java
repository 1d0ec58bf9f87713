package dev.jmesh.agent.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram over Istio's default buckets: durations in milliseconds
 * ({@code istio_request_duration_milliseconds}) or sizes in bytes ({@code istio_request_bytes}).
 * Values are recorded in whole units (nanoseconds, bytes) and scaled when exposed, so recording
 * is a short scan of longs and two striped adds: lock-free, no allocation, no contention
 * between threads.
 */
public final class Histogram {

    /** Istio's (Envoy's) default bucket bounds for durations, in milliseconds. */
    private static final double[] DURATION_BOUNDS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
        30000, 60000, 300000, 600000, 1800000, 3600000};
    /** Istio's bucket bounds for request and response sizes, in bytes: powers of ten to 1 GB. */
    private static final double[] SIZE_BOUNDS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
        1000000000};

    /** The bounds as exposed, and in recorded units. */
    private final double[] bounds;
    private final long[] unitBounds;
    /** Recorded units per exposed unit: 1,000,000 nanoseconds a millisecond, 1 byte a byte. */
    private final double unitsPerExposed;
    private final LongAdder[] buckets;
    private final LongAdder sum = new LongAdder();

    private Histogram(double[] bounds, double unitsPerExposed) {
        this.bounds = bounds;
        this.unitsPerExposed = unitsPerExposed;
        this.unitBounds = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            unitBounds[i] = (long) (bounds[i] * unitsPerExposed);
        }
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Durations, recorded in nanoseconds, exposed in milliseconds. */
    public static Histogram durations() {
        return new Histogram(DURATION_BOUNDS, 1e6);
    }

    /** Sizes in bytes. */
    public static Histogram sizes() {
        return new Histogram(SIZE_BOUNDS, 1);
    }

    /** One value, in recorded units (nanoseconds for durations). */
    public void record(long value) {
        int i = 0;
        while (i < unitBounds.length && value > unitBounds[i]) {
            i++;
        }
        buckets[i].increment();
        if (value != 0) {
            sum.add(value); // most requests have no body: one striped add fewer
        }
    }

    /** The bounds as exposed ({@code le}). */
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

    /** The bounds as exposed, then {@code +Inf}. */
    double[] boundsWithInfinity() {
        double[] all = java.util.Arrays.copyOf(bounds, bounds.length + 1);
        all[bounds.length] = Double.POSITIVE_INFINITY;
        return all;
    }

    /** Values per bucket (not cumulative), the last one above every bound. */
    long[] counts() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return counts;
    }

    /** How many values were recorded. */
    long count() {
        long count = 0;
        for (LongAdder bucket : buckets) {
            count += bucket.sum();
        }
        return count;
    }

    /** The sum of the values, in exposed units. */
    double sum() {
        return sum.sum() / unitsPerExposed;
    }
}

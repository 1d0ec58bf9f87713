package dev.jmesh.agent.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram over Istio's default buckets for
 * {@code istio_request_duration_milliseconds}. Recording is a short scan and two striped
 * adds: lock-free, no allocation, no contention between threads.
 */
public final class DurationHistogram {

    /** Istio's (Envoy's) default bucket bounds, in milliseconds. */
    static final double[] BOUNDS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
        30000, 60000, 300000, 600000, 1800000, 3600000};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final DoubleAdder sumMillis = new DoubleAdder();

    public DurationHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        double millis = nanos / 1e6;
        int i = 0;
        while (i < BOUNDS.length && millis > BOUNDS[i]) {
            i++;
        }
        buckets[i].increment();
        sumMillis.add(millis);
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

    double sumMillis() {
        return sumMillis.sum();
    }
}

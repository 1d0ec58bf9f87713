package dev.jmesh.agent.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A small log-linear histogram for percentiles: 8 sub-buckets per power of two of
 * microseconds, so any quantile is within 12.5%, from 1 µs to 2^32 µs (71 minutes; longer
 * samples count as that) in under 2 KiB. Lock-free and allocation-free to record; read by
 * the admin endpoint.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final long MAX_MICROS = (1L << 32) - 1;
    private static final int BUCKETS = index(MAX_MICROS) + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(index(Math.min(MAX_MICROS, Math.max(0, nanos / 1000))));
    }

    /** Counts per bucket now, for {@link #quantileMicros}. */
    public long[] snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /** The {@code q} quantile of a snapshot (or a difference of two), in microseconds; -1 if empty. */
    public static long quantileMicros(long[] snapshot, double q) {
        long total = 0;
        for (long c : snapshot) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return upperBound(snapshot.length - 1);
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        int shift = exponent - SUB_BITS;
        int sub = (int) (micros >>> shift) & (SUB - 1);
        return (shift + 1) * SUB + sub;
    }

    static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index % SUB;
        return ((SUB + sub + 1) << shift) - 1;
    }
}

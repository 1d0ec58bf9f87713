package dev.jmesh.benchmarks.e2e;

import java.util.Arrays;

/**
 * A log-linear histogram of nanosecond latencies, in the manner of HdrHistogram: every power
 * of two is split into {@value #SUB_BUCKETS} equal buckets, so a recorded value is known to
 * within 1/{@value #SUB_BUCKETS} (0.8%) of itself, from 1 ns to hours, in a fixed array.
 * Not thread-safe: each load thread records into its own, and they are merged afterwards.
 *
 * <p>It travels between JVMs as text: {@link #encode()} lists the non-empty buckets as
 * {@code index:count} pairs separated by {@code ,}, after the exact {@code min}, {@code max}
 * and {@code sum}.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 7;
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    /** The exact mean of the recorded values, in ns. */
    public double mean() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /**
     * The value at quantile {@code q} (0..1): the middle of the bucket that holds the
     * {@code ceil(q * count)}-th smallest value, clamped to the exact minimum and maximum.
     * {@code q = 0} is the minimum, {@code q = 1} the maximum.
     */
    public long valueAt(double q) {
        if (total == 0) {
            return 0;
        }
        if (q <= 0) {
            return min;
        }
        if (q >= 1) {
            return max;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.min(max, Math.max(min, mid));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exponent - SUB_BITS;
        long mantissa = v >>> shift; // in [SUB_BUCKETS, 2 * SUB_BUCKETS)
        return (shift + 1) * SUB_BUCKETS + (int) (mantissa - SUB_BUCKETS);
    }

    static long lowerBound(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = (index >>> SUB_BITS) - 1;
        long mantissa = (index & (SUB_BUCKETS - 1)) + SUB_BUCKETS;
        return mantissa << shift;
    }

    static long width(int index) {
        return index < SUB_BUCKETS ? 1 : 1L << ((index >>> SUB_BITS) - 1);
    }

    public String encode() {
        StringBuilder out = new StringBuilder();
        out.append("min:").append(total == 0 ? 0 : min).append(",max:").append(total == 0 ? 0 : max)
                .append(",sum:").append(sum);
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0) {
                out.append(',').append(i).append(':').append(counts[i]);
            }
        }
        return out.toString();
    }

    public static LatencyHistogram decode(String text) {
        LatencyHistogram h = new LatencyHistogram();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (String pair : text.split(",")) {
            int colon = pair.indexOf(':');
            String key = pair.substring(0, colon);
            long value = Long.parseLong(pair.substring(colon + 1));
            switch (key) {
                case "min" -> min = value;
                case "max" -> max = value;
                case "sum" -> h.sum = value;
                default -> {
                    h.counts[Integer.parseInt(key)] += value;
                    h.total += value;
                }
            }
        }
        if (h.total > 0) {
            h.min = min;
            h.max = max;
        }
        return h;
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + total + ", p50=" + valueAt(0.5) + "ns, max=" + max + "ns, buckets="
                + Arrays.stream(counts).filter(c -> c != 0).count() + "]";
    }
}

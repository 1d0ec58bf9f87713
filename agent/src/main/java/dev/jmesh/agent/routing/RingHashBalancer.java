package dev.jmesh.agent.routing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Consistent hashing on a ketama-style ring, as Envoy's {@code RING_HASH} builds it: every
 * endpoint owns points on a 64-bit ring, point {@code i} of an endpoint sitting at
 * {@code xxHash64(key + "_" + i)}, and a request goes to the owner of the first point at or
 * after its hash, wrapping around past the largest point (hashes compare unsigned, as Envoy's
 * {@code uint64_t} do).
 *
 * <p><b>Ring size.</b> Endpoints get points in proportion to their weights, and the ring
 * holds at least {@link #MIN_RING_SIZE} points. Unlike Envoy, which scales the ring to the
 * exact minimum ({@code ceil(1024 * minWeight / totalWeight)} points per unit of the smallest
 * weight), the number of points per unit of weight here is a power of two: the smallest one
 * that gives the ring at least 1024 points (or, once the total weight exceeds 1024, the
 * largest power-of-two fraction that still does). The ring thus has about 1024 to 2047
 * points (fractions are rounded, and every endpoint keeps at least one point). The reason is membership
 * changes: with Envoy's scaling, removing one of five equal endpoints takes every other
 * endpoint from 205 to 256 points, and the new points take keys from their neighbours,
 * remapping about a tenth of the keys that never were on the removed endpoint. With the
 * power-of-two step an endpoint's points change only when the total weight crosses a power
 * of two; otherwise adding or removing an endpoint moves exactly the keys that land on it.
 * The ring is at most twice Envoy's size. {@link #MAX_RING_SIZE} (Envoy's maximum, 8M) is
 * only reachable with millions of endpoints and is rejected.
 *
 * <p><b>Determinism.</b> The ring depends only on the endpoints' keys ({@code ip:port}) and
 * weights, never on the order of the list, on {@code String.hashCode} or on identity hashes:
 * endpoints are ordered by key before anything else, point hashes are XXH64, and the weight
 * scaling is integer arithmetic. Every process with the same endpoints builds the same ring.
 * Slow start is ignored for the same reason (see {@link SlowStart}).
 *
 * <p>A pick is a binary search over a {@code long[]}: no allocation, no lock, no state.
 */
final class RingHashBalancer implements Balancer {

    static final int MIN_RING_SIZE = 1024;
    static final int MAX_RING_SIZE = 8 * 1024 * 1024;

    /** Point hashes, ascending as unsigned values. */
    private final long[] ring;
    /** ringEndpoints[i] owns ring[i]. */
    private final Endpoint[] ringEndpoints;

    RingHashBalancer(List<Endpoint> endpoints) {
        Endpoint[] sorted = Balancers.sortedByKey(endpoints);
        long[] points = pointsPerEndpoint(sorted);
        long size = 0;
        for (long p : points) {
            size += p;
        }
        if (size > MAX_RING_SIZE) {
            throw new IllegalArgumentException("ring of " + size + " points exceeds " + MAX_RING_SIZE);
        }
        long[] hashes = new long[(int) size];
        int[] owners = new int[(int) size];
        int slot = 0;
        for (int e = 0; e < sorted.length; e++) {
            byte[] prefix = (sorted[e].key() + "_").getBytes(StandardCharsets.UTF_8);
            byte[] buffer = Arrays.copyOf(prefix, prefix.length + 10);
            for (int i = 0; i < points[e]; i++) {
                int length = writeDecimal(buffer, prefix.length, i);
                hashes[slot] = Hashing.xxHash64(buffer, 0, length, 0);
                owners[slot] = e;
                slot++;
            }
        }
        sortUnsigned(hashes, owners);
        this.ring = hashes;
        this.ringEndpoints = new Endpoint[hashes.length];
        for (int i = 0; i < owners.length; i++) {
            ringEndpoints[i] = sorted[owners[i]];
        }
    }

    @Override
    public Endpoint pick(long requestHash) {
        long[] r = ring;
        // The first point >= requestHash (unsigned); past the last point, the ring wraps to 0.
        int lo = 0;
        int hi = r.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(r[mid], requestHash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ringEndpoints[lo == r.length ? 0 : lo];
    }

    int size() {
        return ring.length;
    }

    /**
     * Points per endpoint: {@code weight * 2^shift}, where {@code 2^shift} is the power of two
     * (possibly below 1) that brings the total weight into {@code [MIN_RING_SIZE, 2 * MIN_RING_SIZE)}.
     * A fraction is rounded half up, but every endpoint keeps at least one point; should the
     * rounding leave the ring under {@code MIN_RING_SIZE}, the next larger power is used.
     */
    static long[] pointsPerEndpoint(Endpoint[] endpoints) {
        long total = 0;
        for (Endpoint e : endpoints) {
            total += e.weight();
        }
        int up = 0;
        while ((total << up) < MIN_RING_SIZE) {
            up++;
        }
        int down = 0;
        while ((total >> (down + 1)) >= MIN_RING_SIZE) {
            down++;
        }
        while (true) {
            long[] points = new long[endpoints.length];
            long size = 0;
            for (int i = 0; i < endpoints.length; i++) {
                long w = endpoints[i].weight();
                points[i] = down == 0 ? w << up : Math.max(1, (w + (1L << (down - 1))) >> down);
                size += points[i];
            }
            if (size >= MIN_RING_SIZE || down == 0) {
                return points; // with down == 0 the size is total << up, at least the minimum
            }
            down--;
        }
    }

    /** Writes {@code value} (>= 0) in decimal at {@code buffer[from]}; returns the end. */
    private static int writeDecimal(byte[] buffer, int from, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = from + digits;
        int v = value;
        for (int p = end - 1; p >= from; p--) {
            buffer[p] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /**
     * Sorts {@code keys} ascending as unsigned values, carrying {@code values} along: an LSD
     * radix sort, stable, so equal hashes (only possible for duplicate keys) keep the owners'
     * key order.
     */
    static void sortUnsigned(long[] keys, int[] values) {
        int n = keys.length;
        long[] keyBuffer = new long[n];
        int[] valueBuffer = new int[n];
        int[] counts = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            Arrays.fill(counts, 0);
            for (long k : keys) {
                counts[(int) ((k >>> shift) & 0xFF) + 1]++;
            }
            for (int i = 0; i < 256; i++) {
                counts[i + 1] += counts[i];
            }
            for (int i = 0; i < n; i++) {
                int bucket = (int) ((keys[i] >>> shift) & 0xFF);
                int to = counts[bucket]++;
                keyBuffer[to] = keys[i];
                valueBuffer[to] = values[i];
            }
            System.arraycopy(keyBuffer, 0, keys, 0, n);
            System.arraycopy(valueBuffer, 0, values, 0, n);
        }
    }
}

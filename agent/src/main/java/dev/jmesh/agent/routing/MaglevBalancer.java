package dev.jmesh.agent.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), weighted as in Envoy's {@code MAGLEV}:
 * a lookup table of {@link #TABLE_SIZE} (a prime) entries, filled by letting the endpoints
 * take turns claiming the next free slot of their own permutation of the table. A request
 * goes to {@code table[requestHash mod 65537]} (unsigned): one array read.
 *
 * <p>An endpoint's permutation is {@code (offset + i * skip) mod 65537}, with
 * {@code offset = xxHash64(key, seed 0) mod 65537} and {@code skip = xxHash64(key, seed 1)
 * mod 65536 + 1}. Weights are honoured as Envoy does: in turn {@code t} an endpoint claims a
 * slot only if {@code t * weight >= claims * maxWeight}, so it takes slots in proportion to
 * its weight (in integers here, where Envoy uses normalized doubles; the outcome is the same).
 *
 * <p>Compared with {@link RingHashBalancer}: the table is balanced almost exactly and a pick
 * is O(1), but removing an endpoint also moves a small fraction (a few percent) of the other
 * endpoints' keys, as the paper describes.
 *
 * <p><b>Determinism.</b> Endpoints are ordered by key before the table is built, and all
 * arithmetic is on XXH64 values and integers, so every process with the same endpoints builds
 * the same table, whatever the order of the list. Slow start is ignored (see {@link SlowStart}).
 */
final class MaglevBalancer implements Balancer {

    static final int TABLE_SIZE = 65537;

    private final Endpoint[] table;

    MaglevBalancer(List<Endpoint> endpoints) {
        Endpoint[] sorted = Balancers.sortedByKey(endpoints);
        int n = sorted.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        long[] claims = new long[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            byte[] key = sorted[i].key().getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(Hashing.xxHash64(key, 0), TABLE_SIZE);
            skip[i] = Long.remainderUnsigned(Hashing.xxHash64(key, 1), TABLE_SIZE - 1) + 1;
            maxWeight = Math.max(maxWeight, sorted[i].weight());
        }
        Endpoint[] slots = new Endpoint[TABLE_SIZE];
        int filled = 0;
        for (long turn = 1; filled < TABLE_SIZE; turn++) {
            for (int i = 0; i < n && filled < TABLE_SIZE; i++) {
                // Weight w claims a slot in turns where its quota turn * w has reached the claims
                // made so far (in units of maxWeight): every turn for the heaviest endpoint.
                if (turn * sorted[i].weight() < claims[i]) {
                    continue;
                }
                claims[i] += maxWeight;
                int slot = (int) ((offset[i] + next[i] * skip[i]) % TABLE_SIZE);
                while (slots[slot] != null) {
                    next[i]++;
                    slot = (int) ((offset[i] + next[i] * skip[i]) % TABLE_SIZE);
                }
                slots[slot] = sorted[i];
                next[i]++;
                filled++;
            }
        }
        this.table = slots;
    }

    @Override
    public Endpoint pick(long requestHash) {
        return table[(int) Long.remainderUnsigned(requestHash, TABLE_SIZE)];
    }
}

package dev.jmesh.agent.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round-robin (nginx's algorithm): endpoints with weights 5, 1, 1 are
 * visited a a b a c a a, not a a a a a b c, so a heavy endpoint never takes a burst.
 *
 * <p>The schedule of one whole cycle is computed when the balancer is built; a pick is one
 * atomic increment and an array read, with no lock and no per-endpoint state to update.
 * Weights are first divided by their greatest common divisor, and very long cycles are
 * scaled down to {@link #MAX_CYCLE} slots, keeping every endpoint at least one slot.
 */
final class WeightedRoundRobinBalancer implements Balancer {

    static final int MAX_CYCLE = 1 << 16;

    private final Endpoint[] schedule;
    private final AtomicInteger next = new AtomicInteger();

    WeightedRoundRobinBalancer(List<Endpoint> endpoints) {
        this.schedule = schedule(endpoints, cycleWeights(endpoints));
    }

    @Override
    public Endpoint pick(long requestHash) {
        return schedule[Math.floorMod(next.getAndIncrement(), schedule.length)];
    }

    private static int[] cycleWeights(List<Endpoint> endpoints) {
        int n = endpoints.size();
        int[] weights = new int[n];
        int gcd = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = endpoints.get(i).weight();
            gcd = gcd(gcd, weights[i]);
            total += weights[i];
        }
        total /= gcd;
        double scale = total > MAX_CYCLE ? (double) MAX_CYCLE / total : 1.0;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, (int) Math.round(weights[i] / gcd * scale));
        }
        return weights;
    }

    private static Endpoint[] schedule(List<Endpoint> endpoints, int[] weights) {
        int n = weights.length;
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        Endpoint[] order = new Endpoint[total];
        long[] current = new long[n];
        for (int slot = 0; slot < total; slot++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[slot] = endpoints.get(best);
        }
        return order;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}

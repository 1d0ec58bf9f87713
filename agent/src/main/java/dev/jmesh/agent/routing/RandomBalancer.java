package dev.jmesh.agent.routing;

import dev.jmesh.agent.time.MeshClock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A random endpoint per call, in proportion to the weights, and with slow start, to the
 * weights scaled by {@link SlowStart#factor}.
 *
 * <p>Slow start is applied by rejection: an endpoint drawn by its static weight is kept with
 * probability equal to its slow-start factor, otherwise the draw is repeated. That yields
 * exactly the distribution of the scaled weights, with no per-pick pass over all endpoints
 * and no allocation; as factors are at least 0.1, ten draws are needed on average in the
 * worst case (every endpoint just started), one once all are past their window.
 */
final class RandomBalancer implements Balancer {

    /** Draws before slow start gives up and keeps the last one: 0.9^64 ≈ 0.1% even at the floor. */
    static final int MAX_SLOW_START_DRAWS = 64;

    private final Endpoint[] endpoints;
    /** cumulative[i] = sum of weights[0..i]; null when all weights are equal. */
    private final int[] cumulative;
    /** The slow-start window, 0 for none. */
    private final long slowStartNanos;
    private final MeshClock clock;

    RandomBalancer(List<Endpoint> endpoints, long slowStartNanos, MeshClock clock) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.cumulative = allEqual(this.endpoints) ? null : cumulative(this.endpoints);
        this.slowStartNanos = slowStartNanos;
        this.clock = clock;
    }

    @Override
    public Endpoint pick(long requestHash) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (slowStartNanos == 0 || endpoints.length == 1) {
            return byWeight(random);
        }
        long now = clock.nanoTime();
        Endpoint candidate = null;
        for (int draw = 0; draw < MAX_SLOW_START_DRAWS; draw++) {
            candidate = byWeight(random);
            double factor = SlowStart.factor(candidate, now, slowStartNanos);
            if (factor >= 1.0 || random.nextDouble() < factor) {
                return candidate;
            }
        }
        return candidate;
    }

    private Endpoint byWeight(ThreadLocalRandom random) {
        if (cumulative == null) {
            return endpoints[random.nextInt(endpoints.length)];
        }
        int ticket = random.nextInt(cumulative[cumulative.length - 1]);
        int i = Arrays.binarySearch(cumulative, ticket);
        // The ticket falls in slot i when cumulative[i-1] <= ticket < cumulative[i].
        return endpoints[i >= 0 ? i + 1 : -i - 1];
    }

    private static boolean allEqual(Endpoint[] endpoints) {
        for (Endpoint e : endpoints) {
            if (e.weight() != endpoints[0].weight()) {
                return false;
            }
        }
        return true;
    }

    private static int[] cumulative(Endpoint[] endpoints) {
        int[] sums = new int[endpoints.length];
        int sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += endpoints[i].weight();
            sums[i] = sum;
        }
        return sums;
    }
}

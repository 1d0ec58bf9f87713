package dev.jmesh.agent.routing;

import dev.jmesh.agent.time.MeshClock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The power of two choices: two distinct endpoints drawn at random, the better one wins.
 * Subclasses say what "better" is; ties go to the first draw, which is itself random.
 */
abstract class PowerOfTwoChoices implements Balancer {

    final Endpoint[] endpoints;
    /** The slow-start window, 0 for none. */
    final long slowStartNanos;
    final MeshClock clock;

    PowerOfTwoChoices(List<Endpoint> endpoints, long slowStartNanos, MeshClock clock) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.slowStartNanos = slowStartNanos;
        this.clock = clock;
    }

    @Override
    public final Endpoint pick(long requestHash) {
        int n = endpoints.length;
        if (n == 1) {
            return endpoints[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++; // two distinct endpoints, each pair equally likely
        }
        return prefersSecond(endpoints[i], endpoints[j]) ? endpoints[j] : endpoints[i];
    }

    /** Whether {@code b} is strictly better than {@code a}. */
    abstract boolean prefersSecond(Endpoint a, Endpoint b);

    /** An endpoint's weight, scaled down while it is within its slow-start window. */
    final double effectiveWeight(Endpoint e, long nowNanos) {
        return slowStartNanos == 0 ? e.weight() : e.weight() * SlowStart.factor(e, nowNanos, slowStartNanos);
    }
}

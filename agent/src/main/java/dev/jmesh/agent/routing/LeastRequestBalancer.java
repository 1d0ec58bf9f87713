package dev.jmesh.agent.routing;

import dev.jmesh.agent.time.MeshClock;
import java.util.List;

/**
 * Envoy's least-request balancer: of two random endpoints, the one with fewer requests in
 * flight wins.
 *
 * <p>When weights differ (or slow start scales them), the two are compared by
 * {@code weight / (active + 1)^bias} with Envoy's default bias 1.0, and the higher wins: an
 * endpoint of weight 3 is preferred until it has about three times the other's load. The
 * comparison is cross-multiplied, so a pick does no division.
 */
final class LeastRequestBalancer extends PowerOfTwoChoices {

    private final boolean equalWeights;

    LeastRequestBalancer(List<Endpoint> endpoints, long slowStartNanos, MeshClock clock) {
        super(endpoints, slowStartNanos, clock);
        this.equalWeights = endpoints.stream().mapToInt(Endpoint::weight).distinct().count() == 1;
    }

    @Override
    boolean prefersSecond(Endpoint a, Endpoint b) {
        int activeA = Math.max(0, a.load().active());
        int activeB = Math.max(0, b.load().active());
        if (slowStartNanos == 0 && equalWeights) {
            return activeB < activeA;
        }
        long now = slowStartNanos == 0 ? 0 : clock.nanoTime();
        // weightB / (activeB + 1) > weightA / (activeA + 1), without dividing.
        return effectiveWeight(b, now) * (activeA + 1.0) > effectiveWeight(a, now) * (activeB + 1.0);
    }
}

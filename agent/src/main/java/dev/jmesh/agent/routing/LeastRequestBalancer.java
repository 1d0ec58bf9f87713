package dev.jmesh.agent.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's least-request balancer: the power of two choices. Two distinct endpoints are drawn
 * at random and the one with fewer requests in flight wins.
 *
 * <p>When weights differ (or slow start scales them), the two are compared by
 * {@code weight / (active + 1)^bias} with Envoy's default bias 1.0, and the higher wins: an
 * endpoint of weight 3 is preferred until it has about three times the other's load. The
 * comparison is cross-multiplied, so a pick does no division. Ties go to the first draw,
 * which is itself random.
 */
final class LeastRequestBalancer implements Balancer {

    private final Endpoint[] endpoints;
    private final boolean equalWeights;
    /** The slow-start window, 0 for none. */
    private final long slowStartNanos;

    LeastRequestBalancer(List<Endpoint> endpoints, long slowStartNanos) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.equalWeights = endpoints.stream().mapToInt(Endpoint::weight).distinct().count() == 1;
        this.slowStartNanos = slowStartNanos;
    }

    @Override
    public Endpoint pick(long requestHash) {
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
        Endpoint a = endpoints[i];
        Endpoint b = endpoints[j];
        int activeA = Math.max(0, a.load().active());
        int activeB = Math.max(0, b.load().active());
        if (slowStartNanos == 0 && equalWeights) {
            return activeB < activeA ? b : a;
        }
        double weightA = a.weight();
        double weightB = b.weight();
        if (slowStartNanos != 0) {
            long now = System.nanoTime();
            weightA *= SlowStart.factor(a, now, slowStartNanos);
            weightB *= SlowStart.factor(b, now, slowStartNanos);
        }
        // weightB / (activeB + 1) > weightA / (activeA + 1), without dividing.
        return weightB * (activeA + 1.0) > weightA * (activeB + 1.0) ? b : a;
    }
}

package dev.jmesh.agent.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Linkerd's balancer: the power of two choices over peak-EWMA latency. Two distinct endpoints
 * are drawn at random and the one with the lower {@code cost * (active + 1) / weight} wins,
 * where cost is the endpoint's decayed peak-EWMA round-trip time ({@link EndpointLoad#costNanos},
 * 30 ms before its first response). A slow endpoint is thus avoided as soon as one slow answer
 * arrives, and a loaded one in proportion to its queue.
 *
 * <p>Weights (scaled by slow start when enabled) divide the score; the comparison is
 * cross-multiplied, so a pick does no division. Ties go to the first draw, which is itself
 * random.
 */
final class PeakEwmaBalancer implements Balancer {

    private final Endpoint[] endpoints;
    /** The slow-start window, 0 for none. */
    private final long slowStartNanos;

    PeakEwmaBalancer(List<Endpoint> endpoints, long slowStartNanos) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
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
        long now = System.nanoTime();
        double weightA = a.weight();
        double weightB = b.weight();
        if (slowStartNanos != 0) {
            weightA *= SlowStart.factor(a, now, slowStartNanos);
            weightB *= SlowStart.factor(b, now, slowStartNanos);
        }
        double loadA = a.load().costNanos(now) * (Math.max(0, a.load().active()) + 1.0);
        double loadB = b.load().costNanos(now) * (Math.max(0, b.load().active()) + 1.0);
        // loadB / weightB < loadA / weightA, without dividing.
        return loadB * weightA < loadA * weightB ? b : a;
    }
}

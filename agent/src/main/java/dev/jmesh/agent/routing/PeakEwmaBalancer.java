package dev.jmesh.agent.routing;

import dev.jmesh.agent.time.MeshClock;
import java.util.List;

/**
 * Linkerd's balancer: of two random endpoints, the one with the lower
 * {@code cost * (active + 1) / weight} wins, where cost is the endpoint's decayed peak-EWMA
 * round-trip time ({@link EndpointLoad#costNanos}, 30 ms before its first response). A slow
 * endpoint is thus avoided as soon as one slow answer arrives, and a loaded one in proportion
 * to its queue.
 *
 * <p>Weights (scaled by slow start when enabled) divide the score; the comparison is
 * cross-multiplied, so a pick does no division.
 */
final class PeakEwmaBalancer extends PowerOfTwoChoices {

    PeakEwmaBalancer(List<Endpoint> endpoints, long slowStartNanos, MeshClock clock) {
        super(endpoints, slowStartNanos, clock);
    }

    @Override
    boolean prefersSecond(Endpoint a, Endpoint b) {
        long now = clock.nanoTime();
        double loadA = a.load().costNanos(now) * (Math.max(0, a.load().active()) + 1.0);
        double loadB = b.load().costNanos(now) * (Math.max(0, b.load().active()) + 1.0);
        // loadB / weightB < loadA / weightA, without dividing.
        return loadB * effectiveWeight(a, now) < loadA * effectiveWeight(b, now);
    }
}

package dev.jmesh.agent.routing;

import java.time.Duration;

/**
 * Slow start: an endpoint that has just entered rotation (at start, or back from ejection)
 * takes a growing share of traffic instead of its full share at once, so a cold JVM or an
 * empty cache is not flooded.
 *
 * <p>The ramp is linear over the window: an endpoint's effective weight is its weight times
 * {@code max(0.1, min(1, (now - inRotationSince) / window))}. The 10% floor keeps a new
 * endpoint in traffic from its first moment, so the load-aware balancers see it answer.
 *
 * <p>Only the balancers whose picks are already random apply it (random, least-request,
 * p2c-ewma). Round-robin and weighted round-robin follow a fixed schedule, and ring-hash and
 * maglev must send a key to the same endpoint in every process and at every moment; a share
 * that changed with time would break the very stability they exist for.
 */
final class SlowStart {

    /** The share an endpoint gets at the very start of its window. */
    static final double MIN_FACTOR = 0.1;

    private SlowStart() {}

    /** The window in nanoseconds, or 0 for none (null or zero); a negative window is an error. */
    static long windowNanos(Duration slowStart) {
        if (slowStart == null) {
            return 0;
        }
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("slow start must not be negative: " + slowStart);
        }
        return slowStart.toNanos();
    }

    /** The factor, in {@code [0.1, 1]}, by which {@code endpoint}'s weight is scaled at {@code nowNanos}. */
    static double factor(Endpoint endpoint, long nowNanos, long windowNanos) {
        long inRotation = nowNanos - endpoint.inRotationSinceNanos();
        if (inRotation >= windowNanos) {
            return 1.0;
        }
        return Math.max(MIN_FACTOR, (double) inRotation / windowNanos);
    }
}

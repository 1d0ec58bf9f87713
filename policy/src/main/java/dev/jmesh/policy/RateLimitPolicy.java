package dev.jmesh.policy;

/**
 * A local token bucket, per JVM: {@code burst} requests at once, refilled at
 * {@code requestsPerSecond}. Over the limit a call fails fast with 429 and reaches no backend.
 */
public record RateLimitPolicy(double requestsPerSecond, int burst) {

    public RateLimitPolicy {
        if (!(requestsPerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("requestsPerSecond must be above 0 and burst at least 1");
        }
    }
}

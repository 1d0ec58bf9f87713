package dev.jmesh.policy;

/**
 * Limits past which calls fail fast instead of piling up.
 *
 * @param maxConcurrentRequests calls in flight to the service
 * @param maxPendingRequests    retries waiting out their backoff
 */
public record CircuitBreakerPolicy(int maxConcurrentRequests, int maxPendingRequests) {

    public static final CircuitBreakerPolicy DEFAULT = new CircuitBreakerPolicy(1024, 1024);

    public CircuitBreakerPolicy {
        if (maxConcurrentRequests < 1 || maxPendingRequests < 0) {
            throw new IllegalArgumentException("circuit breaker limits must be positive");
        }
    }
}

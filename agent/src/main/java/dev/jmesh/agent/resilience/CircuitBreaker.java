package dev.jmesh.agent.resilience;

import dev.jmesh.policy.CircuitBreakerPolicy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Envoy-style circuit breaking: a cap on calls in flight to a service and on retries waiting
 * out their backoff. Over a cap the call fails fast (or the retry is not made) instead of
 * queueing behind a service that is already struggling.
 */
public final class CircuitBreaker {

    private final CircuitBreakerPolicy policy;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    public CircuitBreaker(CircuitBreakerPolicy policy) {
        this.policy = policy;
    }

    public boolean tryStartRequest() {
        return tryAcquire(active, policy.maxConcurrentRequests());
    }

    public void endRequest() {
        active.decrementAndGet();
    }

    public boolean tryStartPending() {
        return tryAcquire(pending, policy.maxPendingRequests());
    }

    public void endPending() {
        pending.decrementAndGet();
    }

    public int active() {
        return active.get();
    }

    public CircuitBreakerPolicy policy() {
        return policy;
    }

    private static boolean tryAcquire(AtomicInteger counter, int limit) {
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            return false;
        }
        return true;
    }
}

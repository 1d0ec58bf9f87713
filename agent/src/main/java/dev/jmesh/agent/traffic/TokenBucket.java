package dev.jmesh.agent.traffic;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.RateLimitPolicy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local rate limit, lock-free: the generic cell rate algorithm, which is a token bucket
 * kept as one number, the time at which the bucket would be full again. A request is let
 * through when that time, moved on by one request's worth, is at most a burst ahead of now.
 */
public final class TokenBucket {

    private final MeshClock clock;
    private final long intervalNanos;
    private final long burstNanos;
    private final AtomicLong fullAt;

    public TokenBucket(RateLimitPolicy policy, MeshClock clock) {
        this.clock = clock;
        this.intervalNanos = Math.max(1, Math.round(1e9 / policy.requestsPerSecond()));
        this.burstNanos = intervalNanos * policy.burst();
        this.fullAt = new AtomicLong(clock.nanoTime());
    }

    /** Takes a token; false when the bucket is empty. */
    public boolean tryAcquire() {
        long now = clock.nanoTime();
        for (;;) {
            long full = fullAt.get();
            long next = Math.max(full - now, 0) + intervalNanos; // relative to now: overflow-safe with nanoTime
            if (next > burstNanos) {
                return false;
            }
            if (fullAt.compareAndSet(full, now + next)) {
                return true;
            }
        }
    }
}

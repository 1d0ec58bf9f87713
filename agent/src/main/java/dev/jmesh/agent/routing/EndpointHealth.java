package dev.jmesh.agent.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether an endpoint is in rotation, and the evidence: consecutive errors, ejection state,
 * active health-check state. Written by the outlier detector and the health checker; read
 * when the rotation is rebuilt, never on the pick path.
 */
public final class EndpointHealth {

    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    private volatile long ejectedUntilNanos;
    private volatile boolean ejected;
    private volatile boolean failingChecks;
    /** Times ejected, decayed over quiet intervals; guarded by the outlier detector. */
    private int ejections;

    public boolean inRotation() {
        return !ejected && !failingChecks;
    }

    public boolean ejected() {
        return ejected;
    }

    public long ejectedUntilNanos() {
        return ejectedUntilNanos;
    }

    public boolean failingChecks() {
        return failingChecks;
    }

    /** Errors in a row so far (counted while outlier detection is on). */
    public int consecutiveErrors() {
        return consecutiveErrors.get();
    }

    /** Counts an error; returns how many in a row. */
    public int recordError() {
        return consecutiveErrors.incrementAndGet();
    }

    /** Ends a run of errors; writes only when there was one, to keep successes cheap. */
    public void recordSuccess() {
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
    }

    public void eject(long untilNanos) {
        ejections++;
        ejectedUntilNanos = untilNanos;
        ejected = true;
        consecutiveErrors.set(0);
    }

    public void unEject() {
        ejected = false;
        ejectedUntilNanos = 0;
    }

    public int ejections() {
        return ejections;
    }

    public void forgiveOneEjection() {
        if (ejections > 0) {
            ejections--;
        }
    }

    public void failingChecks(boolean failing) {
        failingChecks = failing;
    }
}

package dev.jmesh.policy;

import java.time.Duration;

/**
 * Faults a route injects, as Istio's {@code fault}: a share of requests delayed before they are
 * sent, a share answered with {@code abortStatus} by the mesh itself, reaching no backend.
 *
 * @param delayPercent 0..100; 0 = no delay
 * @param delay        how long; null when {@code delayPercent} is 0
 * @param abortPercent 0..100; 0 = no abort
 * @param abortStatus  the status of an aborted request, 200..599; 0 when {@code abortPercent} is 0
 */
public record FaultPolicy(double delayPercent, Duration delay, double abortPercent, int abortStatus) {

    public FaultPolicy {
        if (delayPercent < 0 || delayPercent > 100 || abortPercent < 0 || abortPercent > 100) {
            throw new IllegalArgumentException("percent must be 0..100");
        }
        if ((delayPercent > 0) != (delay != null) || (abortPercent > 0) != (abortStatus != 0)) {
            throw new IllegalArgumentException("a delay needs its duration and an abort its status");
        }
    }
}

package dev.jmesh.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * When an endpoint is taken out of rotation: after {@code consecutiveErrors} errors in a row
 * (5xx, resets, connect failures), for {@code baseEjectionTime} times the number of times it
 * was ejected (capped at 300 s), never more than {@code maxEjectionPercent} of the endpoints
 * and never the last one. {@code interval} paces how fast an endpoint's ejection count decays.
 */
public record OutlierDetectionPolicy(int consecutiveErrors, Duration interval, Duration baseEjectionTime,
                                     int maxEjectionPercent) {

    /**
     * On for every service unless {@code outlierDetection: off}: Envoy's consecutive-5xx
     * settings (5 errors, 30 s), so a dead or silent endpoint stops taking calls, while at most
     * half the endpoints can be ejected, so a service-wide failure is not made worse.
     */
    public static final OutlierDetectionPolicy DEFAULT =
            new OutlierDetectionPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(30), 50);

    public OutlierDetectionPolicy {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        if (consecutiveErrors < 1 || maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("bad outlier detection policy");
        }
    }
}

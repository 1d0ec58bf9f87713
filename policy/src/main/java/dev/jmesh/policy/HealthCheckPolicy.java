package dev.jmesh.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Active probing: {@code GET path} on every endpoint each {@code interval}; an endpoint that
 * does not answer 2xx within {@code timeout} is out of rotation until it does.
 */
public record HealthCheckPolicy(String path, Duration interval, Duration timeout) {

    public HealthCheckPolicy {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }
}

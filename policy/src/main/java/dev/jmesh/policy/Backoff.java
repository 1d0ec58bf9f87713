package dev.jmesh.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with full jitter: before retry n (1-based) the wait is uniform in
 * {@code [0, min(max, base * 2^(n-1))]}.
 */
public record Backoff(Duration base, Duration max) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(25), Duration.ofMillis(250));

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max");
        }
    }
}

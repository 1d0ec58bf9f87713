package dev.jmesh.policy;

import java.util.Objects;

/**
 * A copy of a share of a route's requests, sent fire-and-forget to a subset: its answer is
 * discarded and it never delays, fails or changes the caller's call.
 *
 * @param to            the subset the copies go to
 * @param percent       the share of the route's requests copied, 0..100
 * @param nonIdempotent also copy POST and PATCH (Envoy does; by default we do not, so a copy
 *                      never does the work a second time)
 */
public record MirrorPolicy(String to, double percent, boolean nonIdempotent) {

    public MirrorPolicy {
        Objects.requireNonNull(to, "to");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100");
        }
    }
}

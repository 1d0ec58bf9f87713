package dev.jmesh.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * When a failed attempt is tried again.
 *
 * @param attempts           tries in all, the first included; 1 = no retry
 * @param perTryTimeout      bound on one attempt; null = only the call's timeout
 * @param retryOn            the failures that are retried
 * @param backoff            wait between attempts (full jitter)
 * @param budget             cap on retries relative to requests, over a 10 s window
 * @param retryNonIdempotent also retry POST/PATCH and requests already sent
 */
public record RetryPolicy(int attempts, Duration perTryTimeout, RetryOn retryOn, Backoff backoff,
                          RetryBudget budget, boolean retryNonIdempotent) {

    /**
     * Without a {@code retries:} key: Istio's two retries, each on an endpoint not tried yet, of
     * a connect failure, a refused stream, or a reset of an idempotent request. Two, so that
     * one dead and one silent endpoint still leave the third its turn.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, null, RetryOn.DEFAULT, Backoff.DEFAULT,
            RetryBudget.DEFAULT, false);

    public RetryPolicy {
        Objects.requireNonNull(retryOn, "retryOn");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(budget, "budget");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }
}

package dev.jmesh.policy;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The failures a retry policy retries: named conditions and explicit status codes.
 *
 * @param conditions  named conditions ({@code connect-failure}, {@code reset}, ...)
 * @param statusCodes explicit HTTP status codes, e.g. 503
 */
public record RetryOn(Set<Condition> conditions, Set<Integer> statusCodes) {

    /**
     * Failures that say nothing about the request itself: the endpoint was unreachable, refused
     * the stream, or reset the connection. A reset may come after the request was sent, so it is
     * retried only for idempotent methods (as every retry of a request that was sent is).
     */
    public static final RetryOn DEFAULT =
            new RetryOn(EnumSet.of(Condition.CONNECT_FAILURE, Condition.REFUSED_STREAM, Condition.RESET), Set.of());

    public enum Condition {
        /** The connection could not be made: nothing was sent. */
        CONNECT_FAILURE("connect-failure"),
        /** The connection broke, or timed out, after the request may have been sent. */
        RESET("reset"),
        /** HTTP/2 REFUSED_STREAM: the server did not process the request. */
        REFUSED_STREAM("refused-stream"),
        /** Any 5xx response, and a per-try timeout. */
        SERVER_ERROR("5xx"),
        /** 502, 503 or 504, and a per-try timeout. */
        GATEWAY_ERROR("gateway-error");

        private final String configName;

        Condition(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    public RetryOn {
        conditions = conditions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(conditions));
        statusCodes = Set.copyOf(Objects.requireNonNull(statusCodes, "statusCodes"));
    }

    public boolean has(Condition condition) {
        return conditions.contains(condition);
    }

    /** Whether a response with this status is retried. */
    public boolean retriesStatus(int status) {
        return statusCodes.contains(status)
                || (status >= 500 && status <= 599 && has(Condition.SERVER_ERROR))
                || ((status == 502 || status == 503 || status == 504) && has(Condition.GATEWAY_ERROR));
    }
}

package dev.jmesh.agent.metrics;

/**
 * Envoy's response flags, as Istio's {@code response_flags} label carries them. A call that
 * ended without a response is reported with the status a sidecar would have answered
 * (503 or 504), so that error-rate dashboards count it.
 */
public enum ResponseFlags {
    /** A response from the service. */
    NONE("-"),
    /** Upstream connection failure. */
    UF("UF"),
    /** Upstream overflow: the circuit breaker rejected the call. */
    UO("UO"),
    /** No healthy upstream. */
    UH("UH"),
    /** Upstream request timeout. */
    UT("UT"),
    /** Upstream connection termination (a reset). */
    UC("UC"),
    /** Downstream connection termination: the application cancelled. */
    DC("DC"),
    /** Upstream retry limit exceeded: still failing after the last retry. */
    URX("URX"),
    UF_URX("UF,URX"),
    UC_URX("UC,URX"),
    /** The request was aborted by fault injection: the mesh answered, no backend saw it. */
    FI("FI"),
    /** The request was delayed by fault injection, then sent. */
    DI("DI"),
    /** Over the local rate limit: answered 429 by the mesh, no backend saw it. */
    RL("RL"),
    /** Refused by an authorization policy: answered 403 by the inbound port, the application never saw it. */
    RBAC("RBAC");

    private final String label;

    ResponseFlags(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** These flags, with URX added when retries were made and ran out. */
    public ResponseFlags retriesExhausted() {
        return switch (this) {
            case NONE -> URX;
            case UF -> UF_URX;
            case UC -> UC_URX;
            default -> this;
        };
    }
}

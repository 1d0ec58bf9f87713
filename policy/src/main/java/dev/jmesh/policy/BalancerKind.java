package dev.jmesh.policy;

import java.util.Arrays;
import java.util.Optional;

/** Load-balancing strategies a service can use, with the names used in policy files. */
public enum BalancerKind {
    ROUND_ROBIN("round-robin"),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    RANDOM("random"),
    /** Power of two choices over active requests, weighted (Envoy's LEAST_REQUEST). */
    LEAST_REQUEST("least-request"),
    /** Power of two choices over peak-EWMA latency times load (Linkerd's balancer). */
    P2C_EWMA("p2c-ewma"),
    /** Consistent hashing on a ring of at least 1024 points; needs {@code hashKey}. */
    RING_HASH("ring-hash"),
    /** Maglev consistent hashing with a 65537-entry table; needs {@code hashKey}. */
    MAGLEV("maglev");

    private final String configName;

    BalancerKind(String configName) {
        this.configName = configName;
    }

    /** Whether this balancer picks by the request's {@code hashKey}. */
    public boolean hashes() {
        return this == RING_HASH || this == MAGLEV;
    }

    /** The name as written in a policy file, e.g. {@code round-robin}. */
    public String configName() {
        return configName;
    }

    /** Looks a balancer up by its policy-file name (exact, case-sensitive). */
    public static Optional<BalancerKind> fromConfigName(String name) {
        return Arrays.stream(values()).filter(kind -> kind.configName.equals(name)).findFirst();
    }
}

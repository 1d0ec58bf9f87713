package dev.jmesh.agent.config;

import java.util.Arrays;
import java.util.Optional;

/** Load-balancing strategies a service can use, with the names used in policy files. */
public enum BalancerKind {
    ROUND_ROBIN("round-robin"),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    RANDOM("random");

    private final String configName;

    BalancerKind(String configName) {
        this.configName = configName;
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

package dev.jmesh.agent.routing;

import dev.jmesh.agent.config.BalancerKind;
import java.util.List;

/** Builds the balancer a policy names. */
public final class Balancers {

    private Balancers() {}

    public static Balancer create(BalancerKind kind, List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one endpoint");
        }
        return switch (kind) {
            case ROUND_ROBIN -> new RoundRobinBalancer(endpoints);
            case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobinBalancer(endpoints);
            case RANDOM -> new RandomBalancer(endpoints);
            case LEAST_REQUEST, P2C_EWMA, RING_HASH, MAGLEV ->
                    throw new UnsupportedOperationException("balancer " + kind.configName() + " not built yet");
        };
    }
}

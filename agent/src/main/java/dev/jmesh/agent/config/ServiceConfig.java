package dev.jmesh.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * An upstream service this workload calls.
 *
 * @param name      the service name (the key under {@code services:})
 * @param endpoints where the service runs; unmodifiable, never empty
 * @param balancer  how requests are spread over the endpoints
 */
public record ServiceConfig(String name, List<EndpointConfig> endpoints, BalancerKind balancer) {

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balancer, "balancer");
        endpoints = List.copyOf(endpoints); // also rejects null elements
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("service '" + name + "' has no endpoints");
        }
    }
}

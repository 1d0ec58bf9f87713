package dev.jmesh.agent.routing;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One backend of a service, as the balancers see it.
 *
 * @param address where to connect; resolved when the route table is built, never per call
 * @param weight relative share for weight-aware balancers, at least 1
 * @param zone locality label, or {@code null}
 */
public record Endpoint(InetSocketAddress address, int weight, String zone) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
    }
}

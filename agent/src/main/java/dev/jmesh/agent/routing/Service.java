package dev.jmesh.agent.routing;

import java.util.List;

/** A mesh service in one route-table snapshot: its endpoints and the balancer over them. */
public record Service(String name, List<Endpoint> endpoints, Balancer balancer) {

    public Service {
        endpoints = List.copyOf(endpoints);
    }
}

package dev.jmesh.agent.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each endpoint in turn; weights are ignored. */
final class RoundRobinBalancer implements Balancer {

    private final Endpoint[] endpoints;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinBalancer(List<Endpoint> endpoints) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
    }

    @Override
    public Endpoint pick(long requestHash) {
        return endpoints[Math.floorMod(next.getAndIncrement(), endpoints.length)];
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.routing.Balancer;
import dev.jmesh.agent.routing.Endpoint;

/**
 * The endpoints of a service that take traffic now, and the balancer over exactly them.
 * Immutable: ejections and returns build a new one.
 */
record Rotation(Endpoint[] endpoints, Balancer balancer) {

    boolean isEmpty() {
        return endpoints.length == 0;
    }

    /** The endpoint after {@code e} in rotation order: where a retry goes instead of {@code e}. */
    Endpoint after(Endpoint e) {
        for (int i = 0; i < endpoints.length; i++) {
            if (endpoints[i] == e) {
                return endpoints[(i + 1) % endpoints.length];
            }
        }
        return endpoints[0];
    }
}

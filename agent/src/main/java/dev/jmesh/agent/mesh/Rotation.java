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

    /**
     * {@code preferred} unless it is among the first {@code count} of {@code tried}; else the
     * next endpoint in rotation order that is not; null when every one was tried.
     */
    Endpoint untried(Endpoint preferred, Endpoint[] tried, int count) {
        Endpoint candidate = preferred;
        for (int i = 0; i < endpoints.length; i++) {
            if (!contains(tried, count, candidate)) {
                return candidate;
            }
            candidate = after(candidate);
        }
        return null;
    }

    static boolean contains(Endpoint[] tried, int count, Endpoint endpoint) {
        for (int i = 0; i < count; i++) {
            if (tried[i] == endpoint) {
                return true;
            }
        }
        return false;
    }
}

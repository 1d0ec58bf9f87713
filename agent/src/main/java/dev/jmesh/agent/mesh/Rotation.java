package dev.jmesh.agent.mesh;

import dev.jmesh.agent.routing.Balancer;
import dev.jmesh.agent.routing.Endpoint;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The endpoints of a pool that take traffic now, and the balancer over exactly them.
 * Immutable: ejections and returns build a new one.
 *
 * <p>With locality, {@code local} balances over the endpoints in rotation in this workload's
 * zone and {@code remote} over the others; a pick stays local with probability
 * {@code localShare / 65536} (see {@link EndpointPool}).
 */
record Rotation(Endpoint[] endpoints, Balancer balancer, Endpoint[] localEndpoints, Balancer local, Balancer remote,
                int localShare) {

    static final int ALL_LOCAL = 1 << 16;

    Rotation(Endpoint[] endpoints, Balancer balancer) {
        this(endpoints, balancer, new Endpoint[0], null, null, 0);
    }

    /**
     * While the local zone takes all traffic, so do its retries: the first endpoint in it the
     * call has not tried; null when none is left (or traffic spills over already).
     */
    Endpoint untriedLocal(Endpoint[] tried, int count) {
        if (local == null || localShare < ALL_LOCAL) {
            return null;
        }
        for (Endpoint e : localEndpoints) {
            if (!contains(tried, count, e)) {
                return e;
            }
        }
        return null;
    }

    boolean isEmpty() {
        return endpoints.length == 0;
    }

    /** A first attempt's endpoint; the rotation must not be empty. */
    Endpoint pick(long requestHash) {
        if (local == null) {
            return balancer.pick(requestHash);
        }
        if (remote == null || localShare >= ALL_LOCAL || ThreadLocalRandom.current().nextInt(ALL_LOCAL) < localShare) {
            return local.pick(requestHash);
        }
        return remote.pick(requestHash);
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

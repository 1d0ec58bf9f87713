package dev.jmesh.agent.routing;

/**
 * Picks one endpoint per attempt from a fixed set (the endpoints in rotation when it was
 * built). Implementations are immutable apart from lock-free counters, are rebuilt when the
 * set changes, and never allocate in {@link #pick(long)}.
 */
public interface Balancer {

    /**
     * @param requestHash the 64-bit hash of the request's {@code hashKey}; only hashing
     *     balancers read it
     */
    Endpoint pick(long requestHash);
}

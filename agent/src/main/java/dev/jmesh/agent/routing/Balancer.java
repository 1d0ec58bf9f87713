package dev.jmesh.agent.routing;

/**
 * Picks one endpoint per call. Implementations are immutable apart from lock-free counters,
 * are built once per route-table snapshot, and never allocate in {@link #pick()}.
 */
public interface Balancer {

    Endpoint pick();
}

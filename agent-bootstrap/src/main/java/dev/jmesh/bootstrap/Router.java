package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;

/**
 * What the mesh core offers to instrumented code. Implemented by the agent; called through
 * {@link Mesh} so that advice inlined into JDK and library classes needs nothing but this
 * class path entry. Only {@code java.base} types cross this boundary.
 */
public interface Router {

    /**
     * Picks the endpoint for one plain-HTTP request to {@code host}.
     *
     * @return the endpoint to connect to, or {@code null} when {@code host} is not a mesh
     *     service and the request must pass through untouched
     */
    InetSocketAddress pickHttpEndpoint(String host);
}

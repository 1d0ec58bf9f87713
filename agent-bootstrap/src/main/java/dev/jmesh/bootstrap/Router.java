package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;

/**
 * What the mesh core offers to instrumented code. Implemented by the agent; called through
 * {@link Mesh} so that advice inlined into JDK and library classes needs nothing but this
 * class path entry. Only {@code java.base} types cross this boundary.
 */
public interface Router {

    /**
     * Picks the endpoint for one plain-HTTP request to {@code host} that no {@link HttpCall}
     * drives (for example a redirect the client follows by itself).
     *
     * @return the endpoint, or {@code null} when {@code host} is not a mesh service
     */
    InetSocketAddress pickHttpEndpoint(String host);

    /**
     * Begins a call to {@code host}.
     *
     * @param rawPath  the request path as sent, or {@code null}
     * @param rawQuery the query string as sent, or {@code null}
     * @return the call, or {@code null} when {@code host} is not a mesh service
     */
    HttpCall beginHttpCall(String host, String method, String rawPath, String rawQuery);
}

package dev.jmesh.bootstrap;

/**
 * One request the application's own HTTP server is serving, as a server adapter reports it to
 * the mesh: the destination side of a call. The adapter adds {@link #responseHeader} to the
 * response before it is committed, and calls {@link #end} when the response is complete
 * or the exchange failed; a server that reports an end twice is counted once. Never throws.
 */
public interface ServedRequest {

    /** The header carrying a workload's metadata between agents (see {@link #responseHeader}). */
    String PEER_HEADER = "x-jmesh-peer";

    /**
     * The value of {@link #PEER_HEADER} to add to the response (this workload's metadata, for the
     * calling agent's metrics), or {@code null} to add nothing: only a caller that sent the
     * header itself, a mesh agent, is told.
     */
    String responseHeader();

    /**
     * The exchange ended.
     *
     * @param status            the response's status code, or 0 when none was sent (the
     *                          connection failed first)
     * @param requestBodyBytes  body bytes read from the request, -1 when unknown
     * @param responseBodyBytes body bytes written in the response, -1 when unknown
     */
    void end(int status, long requestBodyBytes, long responseBodyBytes);
}

package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What every server adapter (the JDK's {@code HttpServer}, Tomcat, Jetty, Netty) calls for a
 * request the application serves. Holds no policy: who called, under which identity, and what is
 * counted are the mesh core's. Fails open: without the agent, or when it fails, a request is
 * served exactly as without the mesh.
 */
public final class ServerHooks {

    private ServerHooks() {}

    /**
     * A request's head has been read.
     *
     * @param method     the request method
     * @param path       the request target's path (the access log's only; never a metric label)
     * @param protocol   as the request line said: {@code HTTP/1.1}, {@code HTTP/2.0}
     * @param authority  the {@code Host} (or {@code :authority}), or {@code null}
     * @param peerHeader the request's {@link ServedRequest#PEER_HEADER}, or {@code null}
     * @param remote     the connection's remote address
     * @param local      the connection's local address (the server's own port)
     * @return the request to end, or {@code null} when the mesh does not record it (no agent, or
     *     the agent's own admin endpoint)
     */
    public static ServedRequest begin(String method, String path, String protocol, String authority,
            String peerHeader, SocketAddress remote, SocketAddress local) {
        Router current = Mesh.router();
        if (current == null) {
            return null;
        }
        try {
            return current.serve(method, path, protocol, authority, peerHeader,
                    remote instanceof InetSocketAddress r ? r : null, local instanceof InetSocketAddress l ? l : null);
        } catch (Throwable t) {
            return null;
        }
    }
}

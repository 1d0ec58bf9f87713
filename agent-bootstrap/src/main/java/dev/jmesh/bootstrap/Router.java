package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What the mesh core offers to instrumented code. Implemented by the agent; called through
 * {@link Mesh} so that code woven into JDK and library classes needs nothing but this
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

    /** Whether {@code host} names a service routed per request. */
    boolean routesHttp(String host);

    /**
     * Begins a call to {@code host}.
     *
     * @param rawPath  the request path as sent, or {@code null}
     * @param rawQuery the query string as sent, or {@code null}
     * @return the call, or {@code null} when {@code host} is not a mesh service
     */
    HttpCall beginHttpCall(String host, String method, String rawPath, String rawQuery);

    /**
     * What a host name of a service routed per connection resolves to, for every resolver, so
     * that none is ever asked: the service's own address, named after it, which only the mesh's
     * connects reach. Those services are {@code tcp} services, and http services whose endpoints
     * speak TLS ({@code tls: simple}), which an application's own {@code https://} reaches.
     *
     * @return a fresh array, or {@code null} when {@code host} is not such a service
     */
    InetAddress[] resolveName(String host);

    /**
     * What a host name of any service resolves to for a client the mesh routes per connection
     * only (Netty's): the service's own address, as for {@link #resolveName}, for http services
     * too.
     *
     * @return a fresh array, or {@code null} when {@code host} is not a service
     */
    InetAddress[] resolveService(String host);

    /**
     * Where a connect the mesh does not drive itself goes, when {@code target} (by name, or by
     * the address the name resolved to) is a service: an endpoint the balancer picks, with the
     * endpoint's port. Per connection, without failover or reports.
     *
     * @param tcp whether tcp services are meant too, or http services only
     * @return the endpoint, or {@code null} when {@code target} is not such a service
     */
    InetSocketAddress serviceEndpoint(InetSocketAddress target, boolean tcp);

    /**
     * Begins opening a connection to {@code target}: balanced over the endpoints when its host
     * names a tcp service; to {@code target} itself, with mutual TLS, when it is an endpoint of
     * a service that requires it and the caller can secure the connection.
     *
     * @param timeoutMillis the connect timeout the application set; 0 = none
     * @param canSecure     whether the caller can layer TLS over the connection (a {@code Socket}
     *                      can, a {@code SocketChannel} cannot: a tcp service requiring mutual
     *                      TLS then fails closed)
     * @return the connect, or {@code null} when the mesh has nothing to do with {@code target}
     */
    TcpConnect beginTcpConnect(InetSocketAddress target, int timeoutMillis, boolean canSecure);

    /** Whether {@code http://host/...} requests are upgraded to mutual TLS by the mesh. */
    boolean securesHttp(String host);

    /** The mutual TLS for a connection to the endpoint {@code host:port}, or {@code null}. */
    TlsOrigination tlsTo(String host, int port);

    /**
     * A connection that was {@link TcpConnect#pending pending} has finished connecting.
     *
     * @param error why it failed, or {@code null} when it connected
     */
    void tcpConnectFinished(Object connection, IOException error);

    /** {@code connection}, a socket or channel, was closed; any may be reported, mesh or not. */
    void tcpClosed(Object connection);

    /**
     * Where the application's server socket should really bind when it asks for
     * {@code requested}: a loopback ephemeral address when the agent owns that port (inbound
     * mTLS), else {@code null} to bind as asked.
     */
    InetSocketAddress inboundBind(InetSocketAddress requested);

    /**
     * An application's server socket bound {@code boundAs} (what {@link #inboundBind} answered,
     * or what it asked for) is listening at {@code actual}; reported for every bind.
     */
    void inboundBound(InetSocketAddress boundAs, InetSocketAddress actual);

    /**
     * Begins recording a request the application's own server is serving (see
     * {@link ServerHooks#begin}).
     *
     * @return the request, or {@code null} when the mesh does not record it
     */
    ServedRequest serve(String method, String path, String protocol, String authority, String peerHeader,
            InetSocketAddress remote, InetSocketAddress local);
}

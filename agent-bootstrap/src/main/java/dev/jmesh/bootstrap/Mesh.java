package dev.jmesh.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The static door between instrumented code and the mesh core.
 *
 * <p>Woven code calls only these methods, and each returns what the woven method should use:
 * the value it was given when the mesh has nothing to do, so that woven code stays straight
 * code without branches of its own. Until the agent has installed a {@link Router}, and
 * whenever the router fails, every call passes through unchanged: the mesh never breaks the
 * application. The one exception is mutual TLS the policy requires, which fails closed.
 *
 * <p>Only {@code http} is routed per request: an {@code https} URL carries the application's
 * own TLS, whose certificate names the logical host, so it is not redirected. Services of
 * protocol {@code tcp} are routed per connection, below every client library: name lookups,
 * {@code Socket} and {@code SocketChannel} connects.
 */
public final class Mesh {

    private static volatile Router router;
    private static volatile AsyncCallDriver jdkHttpClient;
    private static volatile SocketDriver sockets;
    private static volatile UrlConnectionDriver urlConnections;

    /** The mesh connect a {@code SocketChannel} connect on this thread has begun, until it returns. */
    private static final ThreadLocal<TcpConnect> CHANNEL_CONNECT = new ThreadLocal<>();

    private Mesh() {}

    /** Installs the mesh core; called once by the agent when it has started. */
    public static void install(Router meshRouter, AsyncCallDriver jdkHttpClientDriver,
                               UrlConnectionDriver urlConnectionDriver, SocketDriver socketDriver) {
        router = meshRouter;
        jdkHttpClient = jdkHttpClientDriver;
        urlConnections = urlConnectionDriver;
        sockets = socketDriver;
    }

    // ---- JDK HttpClient: HttpRequestImpl ---------------------------------------------------

    /**
     * The endpoint of a per-send copy of {@code request}, at the end of its constructor:
     * {@code picked} when a delegating constructor already chose, else the endpoint an attempt
     * of a mesh call carries, else a fresh pick; {@code null} to leave the request alone.
     */
    public static InetSocketAddress routeHttp(InetSocketAddress picked, URI uri, Object request) {
        if (picked != null) {
            return picked;
        }
        return request instanceof RoutedRequest attempt ? attempt.endpoint() : routeHttp(uri);
    }

    /**
     * The endpoint of a request the client makes by itself to {@code uri} (a redirect), at the
     * end of its constructor: {@code picked} when a delegating constructor already chose, else
     * a fresh pick.
     */
    public static InetSocketAddress routeHttp(InetSocketAddress picked, URI uri) {
        return picked != null ? picked : routeHttp(uri);
    }

    /** The proxy of a request to {@code endpoint}: none for a mesh endpoint, which is reached directly. */
    public static Proxy proxyTo(Proxy proxy, InetSocketAddress endpoint) {
        return endpoint != null ? null : proxy;
    }

    /** Whether a request is sent over TLS: as it was, or over the mesh's mutual TLS to {@code endpoint}. */
    public static boolean securesHttp(boolean secure, InetSocketAddress endpoint, URI uri) {
        return secure || (endpoint != null && securesHttp(uri.getHost()));
    }

    /**
     * What {@code HttpRequestImpl.getAddress()} answers: the endpoint picked for this request,
     * or {@code null} to let the JDK answer (not routed, or the JDK's own proxy {@code CONNECT},
     * whose target is the same field).
     */
    public static InetSocketAddress pickedHttpEndpoint(URI uri, String method, InetSocketAddress authority) {
        return uri != null && !"CONNECT".equalsIgnoreCase(method) ? authority : null;
    }

    private static InetSocketAddress routeHttp(URI uri) {
        Router current = router;
        if (current == null || uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return null;
        }
        try {
            return current.pickHttpEndpoint(uri.getHost());
        } catch (Throwable t) {
            // Fail open: an agent fault must never surface in the application's call.
            return null;
        }
    }

    /** Whether {@code scheme://host/...} requests are mesh calls, without beginning one. */
    public static boolean routesHttp(String scheme, String host) {
        Router current = router;
        try {
            return current != null && host != null && "http".equalsIgnoreCase(scheme) && current.routesHttp(host);
        } catch (Throwable t) {
            return false;
        }
    }

    /** Begins a mesh call, or returns {@code null} to pass the request through. */
    public static HttpCall beginHttp(String scheme, String host, String method, String rawPath, String rawQuery) {
        Router current = router;
        if (current == null || host == null || !"http".equalsIgnoreCase(scheme)) {
            return null;
        }
        try {
            return current.beginHttpCall(host, method, rawPath, rawQuery);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Hands a JDK HttpClient send to the agent's driver; {@code null} lets the client proceed
     * (not a mesh service, no agent, or this is an attempt of the driver's, a {@link RoutedRequest}).
     */
    public static CompletableFuture<?> sendJdkHttp(Object client, Object request, Object handler, Object pushHandler,
                                                   Object executor) {
        AsyncCallDriver driver = jdkHttpClient;
        if (driver == null || request instanceof RoutedRequest) {
            return null;
        }
        try {
            return driver.send(client, request, handler, pushHandler, executor);
        } catch (Throwable t) {
            return null;
        }
    }

    // ---- HttpURLConnection ---------------------------------------------------------------------

    /** See {@link UrlConnectionDriver#requestBody}; {@code null} when there is no agent or it fails. */
    public static OutputStream urlConnectionRequestBody(Object connection) throws IOException {
        UrlConnectionDriver driver = urlConnections;
        if (driver == null) {
            return null;
        }
        try {
            return driver.requestBody(connection);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** See {@link UrlConnectionDriver#response}; {@code null} when there is no agent or it fails. */
    public static InputStream urlConnectionResponse(Object connection) throws IOException {
        UrlConnectionDriver driver = urlConnections;
        if (driver == null) {
            return null;
        }
        try {
            return driver.response(connection);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** See {@link UrlConnectionDriver#defersConnect}. */
    public static boolean urlConnectionDefersConnect(Object connection) {
        UrlConnectionDriver driver = urlConnections;
        try {
            return driver != null && driver.defersConnect(connection);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** See {@link UrlConnectionDriver#streams}. */
    public static boolean urlConnectionStreams(boolean streams, Object connection) {
        UrlConnectionDriver driver = urlConnections;
        try {
            return driver == null ? streams : driver.streams(streams, connection);
        } catch (RuntimeException | LinkageError e) {
            return streams;
        }
    }

    /** See {@link UrlConnectionDriver#target}. */
    public static URL urlConnectionTarget(Object connection, URL url) {
        UrlConnectionDriver driver = urlConnections;
        if (driver == null) {
            return url;
        }
        try {
            return driver.target(connection, url);
        } catch (RuntimeException | LinkageError e) {
            return url;
        }
    }

    /** The proxy of a connection to {@code target}: none when it is an endpoint the mesh chose. */
    public static Proxy urlConnectionProxy(Object connection, URL target, Proxy proxy) {
        try {
            URL asked = ((URLConnection) connection).getURL();
            return target.getHost().equals(asked.getHost()) && target.getPort() == asked.getPort() ? proxy : Proxy.NO_PROXY;
        } catch (RuntimeException e) {
            return proxy;
        }
    }

    // ---- tcp ---------------------------------------------------------------------------------

    /** The addresses a tcp service's name stands for, or {@code null} to ask the resolver. */
    public static InetAddress[] resolve(String host) {
        Router current = router;
        if (current == null || host == null) {
            return null;
        }
        try {
            return current.resolveTcp(host);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Connects {@code socket} for the mesh when {@code target} names a tcp service.
     *
     * @return {@code true} when the socket is now connected; {@code false} to let the JDK
     *         connect it as asked (not a mesh service, no agent, or the agent cannot)
     * @throws IOException the connect failure the application gets, every attempt having failed
     */
    public static boolean connectSocket(Socket socket, SocketAddress target, int timeoutMillis) throws IOException {
        Router current = router;
        SocketDriver driver = sockets;
        if (current == null || driver == null || !(target instanceof InetSocketAddress address)
                || socket.isClosed() || socket.isConnected()) {
            return false; // the JDK reports a closed or connected socket as it always does
        }
        TcpConnect connect;
        boolean ready;
        try {
            ready = driver.ready();
            connect = current.beginTcpConnect(address, timeoutMillis, true);
            if (connect == null) {
                return false;
            }
        } catch (Throwable t) {
            return false;
        }
        try {
            if (ready) {
                driver.connect(socket, connect);
                return true;
            }
        } catch (RuntimeException | LinkageError e) {
            if (connect.tls() != null) {
                throw new SocketException("jmesh: mutual TLS required for " + address + ", not connected: " + e);
            }
            return false; // an agent fault: the JDK connects as asked
        }
        if (connect.tls() != null) {
            throw new SocketException("jmesh: mutual TLS required for " + address + ", but sockets cannot be secured on this JDK");
        }
        return false;
    }

    /** Whether the JDK client should run {@code http://host/...} over mutual TLS. */
    private static boolean securesHttp(String host) {
        Router current = router;
        try {
            return current != null && host != null && current.securesHttp(host);
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * The context of a TLS engine the JDK client creates to {@code host:port}: the mesh's when
     * it secures that endpoint, else {@code context}. Fails closed.
     *
     * @throws IllegalStateException when the mesh secures the endpoint but this workload's identity is not available
     */
    public static SSLContext tlsContext(SSLContext context, String host, int port) {
        TlsOrigination tls = tlsTo(host, port);
        return tls == null ? context : tls.context();
    }

    /** The parameters of such an engine: the mesh's when it secures the endpoint, else {@code parameters}. */
    public static SSLParameters tlsParameters(SSLParameters parameters, String host, int port) {
        TlsOrigination tls = tlsTo(host, port);
        return tls == null ? parameters : tls.parameters(parameters);
    }

    private static TlsOrigination tlsTo(String host, int port) {
        Router current = router;
        try {
            return current == null || host == null ? null : current.tlsTo(host, port);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Where a connect to {@code target} that the mesh does not drive goes
     * ({@code AsynchronousSocketChannel}, Netty's native transports): an endpoint of the tcp
     * service it names, with the endpoint's port, else {@code target}. Failing open is safe
     * here: a tcp service's name resolves to an address no connect reaches.
     */
    public static SocketAddress connectTarget(SocketAddress target) {
        Router current = router;
        if (current == null || !(target instanceof InetSocketAddress address)) {
            return target;
        }
        try {
            InetSocketAddress endpoint = current.tcpEndpoint(address);
            return endpoint == null ? target : endpoint;
        } catch (Throwable t) {
            return target;
        }
    }

    /**
     * Where a {@code SocketChannel} connect to {@code target} goes: an endpoint of the tcp
     * service it names, else {@code target}. The connect's outcome is reported by one of
     * {@link #channelConnectReturned}, {@link #channelConnected} or {@link #channelConnectFailed}
     * on the same thread.
     *
     * @throws IOException when the service has no endpoint in rotation
     */
    public static SocketAddress beginChannelConnect(SocketAddress target) throws IOException {
        Router current = router;
        CHANNEL_CONNECT.remove();
        if (current == null || !(target instanceof InetSocketAddress address)) {
            return target;
        }
        TcpConnect connect;
        try {
            connect = current.beginTcpConnect(address, 0, false);
            if (connect == null) {
                return target;
            }
        } catch (Throwable t) {
            return target;
        }
        InetSocketAddress endpoint;
        try {
            endpoint = connect.nextEndpoint();
        } catch (RuntimeException | LinkageError e) {
            return target;
        }
        if (endpoint == null) {
            return target;
        }
        CHANNEL_CONNECT.set(connect);
        return endpoint;
    }

    /** A channel's {@code connect} returned: connected, or pending (non-blocking) until {@code finishConnect}. */
    public static boolean channelConnectReturned(boolean connected, Object channel) {
        TcpConnect connect = takeChannelConnect();
        if (connect != null) {
            try {
                if (connected) {
                    connect.connected(channel);
                } else {
                    connect.pending(channel);
                }
            } catch (Throwable t) {
                // bookkeeping only: the application's connect has its own outcome
            }
        }
        return connected;
    }

    /** A channel's {@code blockingConnect} returned, connected. */
    public static void channelConnected(Object channel) {
        channelConnectReturned(true, channel);
    }

    /** A channel's connect threw {@code error}. */
    public static void channelConnectFailed(Throwable error, Object channel) {
        TcpConnect connect = takeChannelConnect();
        if (connect != null && error instanceof IOException failure) {
            try {
                connect.failed(failure);
            } catch (Throwable t) {
                // bookkeeping only
            }
        }
    }

    private static TcpConnect takeChannelConnect() {
        TcpConnect connect = CHANNEL_CONNECT.get();
        if (connect != null) {
            CHANNEL_CONNECT.remove();
        }
        return connect;
    }

    /** A channel's {@code finishConnect} returned; reported for mesh connections left pending. */
    public static boolean channelConnectFinished(boolean connected, Object channel) {
        if (connected) {
            finished(channel, null);
        }
        return connected;
    }

    /** A channel's {@code finishConnect} threw {@code error}. */
    public static void channelFinishFailed(Throwable error, Object channel) {
        finished(channel, error instanceof IOException failure ? failure : new IOException(error));
    }

    private static void finished(Object channel, IOException error) {
        Router current = router;
        if (current == null) {
            return;
        }
        try {
            current.tcpConnectFinished(channel, error);
        } catch (Throwable t) {
            // bookkeeping only
        }
    }

    /** A socket or channel was closed. */
    public static void closed(Object connection) {
        Router current = router;
        if (current == null) {
            return;
        }
        try {
            current.tcpClosed(connection);
        } catch (Throwable t) {
            // bookkeeping only
        }
    }

    // ---- inbound -----------------------------------------------------------------------------

    /** The address a server socket binds when the application asks for {@code requested}. */
    public static SocketAddress inboundBind(SocketAddress requested) {
        Router current = router;
        if (current == null || !(requested instanceof InetSocketAddress address)) {
            return requested;
        }
        try {
            InetSocketAddress instead = current.inboundBind(address);
            return instead == null ? requested : instead;
        } catch (Throwable t) {
            return requested;
        }
    }

    /**
     * {@code server}, a {@code ServerSocket} or {@code ServerSocketChannel}, is bound as
     * {@code boundAs}, the address {@link #inboundBind} answered.
     */
    public static void inboundBound(Object server, SocketAddress boundAs) {
        Router current = router;
        if (current == null || !(boundAs instanceof InetSocketAddress)) {
            return;
        }
        try {
            SocketAddress actual = server instanceof ServerSocket socket ? socket.getLocalSocketAddress()
                    : ((ServerSocketChannel) server).getLocalAddress();
            current.inboundBound((InetSocketAddress) boundAs, (InetSocketAddress) actual);
        } catch (Throwable t) {
            // the application's server runs on its loopback port; the agent said why it could not open the real one
        }
    }
}

package dev.jmesh.bootstrap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * The static door between instrumented code and the mesh core.
 *
 * <p>Advice calls only these methods. Until the agent has installed a {@link Router}, and
 * whenever the router fails, every call passes through unchanged: the mesh never breaks the
 * application.
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

    /** The endpoint a driver has chosen for the attempt it is starting on this thread. */
    private static final ThreadLocal<InetSocketAddress> ATTEMPT = new ThreadLocal<>();

    private Mesh() {}

    /** Installs the mesh core; called once by the agent when it has started. */
    public static void install(Router meshRouter, AsyncCallDriver jdkHttpClientDriver, SocketDriver socketDriver) {
        router = meshRouter;
        jdkHttpClient = jdkHttpClientDriver;
        sockets = socketDriver;
    }

    /**
     * The endpoint for one request to {@code uri}, or {@code null} to leave it alone: the
     * endpoint of the attempt a driver is starting on this thread, else a fresh pick.
     */
    public static InetSocketAddress routeHttp(URI uri) {
        InetSocketAddress attempt = ATTEMPT.get();
        if (attempt != null) {
            ATTEMPT.remove();
            return attempt;
        }
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

    /** Whether the JDK client advice should pass a lookup with its next call (once, at first). */
    public static boolean jdkHttpNeedsLookup() {
        AsyncCallDriver driver = jdkHttpClient;
        return driver != null && driver.needsLookup();
    }

    /**
     * Hands a JDK HttpClient send to the agent's driver; {@code null} lets the client proceed
     * (not a mesh service, no agent, or this is the driver's own attempt).
     */
    public static CompletableFuture<?> sendJdkHttp(Object client, Object request, Object handler, Object pushHandler,
                                                   Object executor, MethodHandles.Lookup lookup) {
        AsyncCallDriver driver = jdkHttpClient;
        if (driver == null || ATTEMPT.get() != null) {
            return null;
        }
        try {
            return driver.send(client, request, handler, pushHandler, executor, lookup);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Marks the attempt a driver is about to start on this thread; the client's own request
     * object, built during the start, picks it up through {@link #routeHttp(URI)}.
     */
    public static void beginAttempt(InetSocketAddress endpoint) {
        ATTEMPT.set(endpoint);
    }

    /** Clears what {@link #beginAttempt} set, if the client did not consume it. */
    public static void endAttempt() {
        ATTEMPT.remove();
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

    /** Whether the socket advice should pass a lookup with its next connect (once, at first). */
    public static boolean socketNeedsLookup() {
        SocketDriver driver = sockets;
        return driver != null && driver.needsLookup();
    }

    /**
     * Connects {@code socket} for the mesh when {@code target} names a tcp service.
     *
     * @return {@code true} when the socket is now connected; {@code false} to let the JDK
     *         connect it as asked (not a mesh service, no agent, or the agent cannot)
     * @throws IOException the connect failure the application gets, every attempt having failed
     */
    public static boolean connectSocket(Socket socket, SocketAddress target, int timeoutMillis,
                                        MethodHandles.Lookup lookup) throws IOException {
        Router current = router;
        SocketDriver driver = sockets;
        if (current == null || driver == null || !(target instanceof InetSocketAddress address)
                || socket.isClosed() || socket.isConnected()) {
            return false; // the JDK reports a closed or connected socket as it always does
        }
        TcpConnect connect;
        boolean ready;
        try {
            // Prepared at the first connect of any socket, so that later ones pass no lookup.
            ready = driver.ready(lookup);
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

    /** Begins a channel connect to {@code target}, or returns {@code null} to pass it through. */
    public static TcpConnect beginChannelConnect(SocketAddress target) {
        Router current = router;
        if (current == null || !(target instanceof InetSocketAddress address)) {
            return null;
        }
        try {
            return current.beginTcpConnect(address, 0, false);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Whether the JDK client should run {@code http://host/...} over mutual TLS. */
    public static boolean securesHttp(String host) {
        Router current = router;
        try {
            return current != null && host != null && current.securesHttp(host);
        } catch (Throwable t) {
            return false;
        }
    }

    /** The mesh's TLS for an engine the JDK client creates to {@code host:port}, or {@code null}. */
    public static TlsOrigination tlsTo(String host, int port) {
        Router current = router;
        try {
            return current == null || host == null ? null : current.tlsTo(host, port);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Where a channel connect begun by {@link #beginChannelConnect} goes; {@code fallback} if
     * the agent fails.
     *
     * @throws IOException when the service has no endpoint in rotation
     */
    public static SocketAddress channelEndpoint(TcpConnect connect, SocketAddress fallback) throws IOException {
        try {
            InetSocketAddress endpoint = connect.nextEndpoint();
            return endpoint == null ? fallback : endpoint;
        } catch (RuntimeException | LinkageError e) {
            return fallback;
        }
    }

    /** A channel's connect returned: connected, still pending (non-blocking), or failed. */
    public static void channelConnectReturned(TcpConnect connect, Object channel, boolean connected, Throwable error) {
        try {
            if (error instanceof IOException failure) {
                connect.failed(failure);
            } else if (connected) {
                connect.connected(channel);
            } else if (error == null) {
                connect.pending(channel);
            }
        } catch (Throwable t) {
            // bookkeeping only: the application's connect has its own outcome
        }
    }

    /** A channel's {@code finishConnect} returned; reported for mesh connections left pending. */
    public static void channelConnectFinished(Object channel, boolean connected, Throwable error) {
        Router current = router;
        if (current == null || (!connected && error == null)) {
            return;
        }
        try {
            current.tcpConnectFinished(channel, error instanceof IOException failure ? failure
                    : error == null ? null : new IOException(error));
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

    /** The address a server socket binds instead of {@code requested}, or {@code null} for as asked. */
    public static SocketAddress inboundBind(SocketAddress requested) {
        Router current = router;
        if (current == null || !(requested instanceof InetSocketAddress address)) {
            return null;
        }
        try {
            return current.inboundBind(address);
        } catch (Throwable t) {
            return null;
        }
    }

    /** {@code server}, a {@code ServerSocket} or {@code ServerSocketChannel}, is bound in place of {@code requested}. */
    public static void inboundBound(Object server, SocketAddress requested) {
        Router current = router;
        if (current == null) {
            return;
        }
        try {
            SocketAddress actual = server instanceof ServerSocket socket ? socket.getLocalSocketAddress()
                    : ((ServerSocketChannel) server).getLocalAddress();
            current.inboundBound((InetSocketAddress) requested, (InetSocketAddress) actual);
        } catch (Throwable t) {
            // the application's server runs on its loopback port; the agent said why it could not open the real one
        }
    }
}

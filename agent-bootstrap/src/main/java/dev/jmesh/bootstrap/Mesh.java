package dev.jmesh.bootstrap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;

/**
 * The door between instrumented code and the mesh core: what every client adapter uses
 * (begin a call, pick an endpoint, resolve a tcp service's name, route a connect). Code woven
 * into one JDK client's classes calls that client's hooks ({@link JdkHttpHooks},
 * {@link UrlConnectionHooks}, {@link SocketHooks}, {@link InboundHooks}), which hold no policy.
 *
 * <p>Each returns what the woven method should use: the value it was given when the mesh has
 * nothing to do, so that woven code stays straight code without branches of its own. Until the
 * agent has installed a {@link Router}, and whenever the router fails, every call passes
 * through unchanged: the mesh never breaks the application.
 *
 * <p>Only {@code http} is routed per request: an {@code https} URL carries the application's
 * own TLS, whose certificate names the logical host, so its request is not redirected. Its
 * connection is, when the service's endpoints speak TLS: like those of {@code tcp} services,
 * it is routed per connection, below the application's TLS.
 */
public final class Mesh {

    private static volatile Router router;

    private Mesh() {}

    /** Installs the mesh core; called once by the agent when it has started. */
    public static void install(Router meshRouter) {
        router = meshRouter;
    }

    /** The mesh core, or {@code null} before the agent has started. */
    static Router router() {
        return router;
    }

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

    /** {@link #beginHttp(String, String, String, String, String)} for a request target: {@code /path?query}. */
    public static HttpCall beginHttp(String scheme, String host, String method, String requestTarget) {
        int query = requestTarget == null ? -1 : requestTarget.indexOf('?');
        return query < 0 ? beginHttp(scheme, host, method, requestTarget, null)
                : beginHttp(scheme, host, method, requestTarget.substring(0, query), requestTarget.substring(query + 1));
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
     * The addresses the name of a service routed per connection stands for (a tcp service's,
     * an http service's whose endpoints speak TLS), or {@code null} to ask the resolver.
     */
    public static InetAddress[] resolve(String host) {
        Router current = router;
        if (current == null || host == null) {
            return null;
        }
        try {
            return current.resolveName(host);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Where a connect to {@code target} that the mesh does not drive goes
     * ({@code AsynchronousSocketChannel}, Netty's native transports): an endpoint of the
     * service it names, with the endpoint's port, else {@code target}. Failing open is safe
     * here: a service's name resolves to an address no connect reaches.
     */
    public static SocketAddress connectTarget(SocketAddress target) {
        return connectTarget(target, true);
    }

    /**
     * {@link #connectTarget} for http services only, where the JDK's {@code SocketChannel},
     * routed below, connects for the caller (Netty's NIO transport): what tcp services get there
     * is the channel hooks' business, which report outcomes.
     */
    public static SocketAddress httpConnectTarget(SocketAddress target) {
        return connectTarget(target, false);
    }

    private static SocketAddress connectTarget(SocketAddress target, boolean tcp) {
        Router current = router;
        if (current == null || !(target instanceof InetSocketAddress address)) {
            return target;
        }
        try {
            InetSocketAddress endpoint = current.serviceEndpoint(address, tcp);
            return endpoint == null ? target : endpoint;
        } catch (Throwable t) {
            return target;
        }
    }

    /**
     * The addresses any service's name stands for, for a client the mesh routes per connection
     * (Netty's resolvers), or {@code null} to ask the resolver.
     */
    public static InetAddress[] resolveService(String host) {
        Router current = router;
        if (current == null || host == null) {
            return null;
        }
        try {
            return current.resolveService(host);
        } catch (Throwable t) {
            return null;
        }
    }
}

package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The static door between instrumented code and the mesh core.
 *
 * <p>Advice calls only these methods. Until the agent has installed a {@link Router}, and
 * whenever the router fails, every call passes through unchanged: the mesh never breaks the
 * application.
 */
public final class Mesh {

    private static volatile Router router;

    private Mesh() {}

    /** Installs the mesh core; called once by the agent when it has started. */
    public static void install(Router meshRouter) {
        router = meshRouter;
    }

    /**
     * The endpoint for one request to {@code uri}, or {@code null} to leave it alone. Only
     * {@code http} URIs are routed: an {@code https} URI carries the application's own TLS,
     * whose certificate names the logical host, so it is not redirected.
     */
    public static InetSocketAddress routeHttp(URI uri) {
        Router current = router;
        if (current == null || uri == null || !"http".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        return routeHttp(current, uri.getHost());
    }

    /** Same as {@link #routeHttp(URI)} for libraries that keep the URL parts apart. */
    public static InetSocketAddress routeHttp(String scheme, String host) {
        Router current = router;
        if (current == null || !"http".equalsIgnoreCase(scheme)) {
            return null;
        }
        return routeHttp(current, host);
    }

    private static InetSocketAddress routeHttp(Router current, String host) {
        if (host == null) {
            return null;
        }
        try {
            return current.pickHttpEndpoint(host);
        } catch (Throwable t) {
            // Fail open: an agent fault must never surface in the application's call.
            return null;
        }
    }
}

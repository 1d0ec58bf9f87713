package dev.jmesh.bootstrap;

import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The static door between instrumented code and the mesh core.
 *
 * <p>Advice calls only these methods. Until the agent has installed a {@link Router}, and
 * whenever the router fails, every call passes through unchanged: the mesh never breaks the
 * application.
 *
 * <p>Only {@code http} is routed: an {@code https} URL carries the application's own TLS,
 * whose certificate names the logical host, so it is not redirected.
 */
public final class Mesh {

    private static volatile Router router;
    private static volatile AsyncCallDriver jdkHttpClient;

    /** The endpoint a driver has chosen for the attempt it is starting on this thread. */
    private static final ThreadLocal<InetSocketAddress> ATTEMPT = new ThreadLocal<>();

    private Mesh() {}

    /** Installs the mesh core; called once by the agent when it has started. */
    public static void install(Router meshRouter, AsyncCallDriver jdkHttpClientDriver) {
        router = meshRouter;
        jdkHttpClient = jdkHttpClientDriver;
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
}

package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * What code woven into the JDK's {@code HttpClient} calls: its sends are handed to the agent's
 * driver, its per-send request objects take the endpoint (see {@link Mesh#routeHttp}), and its
 * TLS engines the mesh's identity where the mesh secures the endpoint. Each returns what the
 * woven code should use; the mesh's mutual TLS fails closed, everything else fails open.
 */
public final class JdkHttpHooks {

    private static volatile AsyncCallDriver driver;

    private JdkHttpHooks() {}

    /** Installs the driver that runs the JDK client's calls; called once by the agent. */
    public static void install(AsyncCallDriver driver) {
        JdkHttpHooks.driver = driver;
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

    /**
     * Hands a JDK HttpClient send to the agent's driver; {@code null} lets the client proceed
     * (not a mesh service, no agent, or this is an attempt of the driver's, a {@link RoutedRequest}).
     */
    public static CompletableFuture<?> send(Object client, Object request, Object handler, Object pushHandler,
                                                   Object executor) {
        AsyncCallDriver current = driver;
        if (current == null || request instanceof RoutedRequest) {
            return null;
        }
        try {
            return current.send(client, request, handler, pushHandler, executor);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Whether the JDK client should run {@code http://host/...} over mutual TLS. */
    private static boolean securesHttp(String host) {
        Router current = Mesh.router();
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
        Router current = Mesh.router();
        try {
            return current == null || host == null ? null : current.tlsTo(host, port);
        } catch (Throwable t) {
            return null;
        }
    }

}

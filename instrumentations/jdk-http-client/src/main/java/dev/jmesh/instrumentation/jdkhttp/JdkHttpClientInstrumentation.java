package dev.jmesh.instrumentation.jdkhttp;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.field;
import static dev.jmesh.instrumentation.api.Value.self;

import dev.jmesh.bootstrap.JdkHttpHooks;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Routes {@code java.net.http.HttpClient} requests ({@code send}, {@code sendAsync}, HTTP/1.1
 * and HTTP/2) by changing only the socket address a request connects to.
 *
 * <ul>
 *   <li>{@code HttpClientImpl.sendAsync(request, handler, pushHandler, executor)}, the private
 *       method {@code send} and every {@code sendAsync} overload funnel into: a call to a mesh
 *       service is run by {@link JdkHttpCallDriver} (one ordinary send per attempt: retries,
 *       deadlines), whose future the method returns instead.</li>
 *   <li>The client turns every request it sends into a fresh {@code HttpRequestImpl} (one per
 *       send, one per redirect) and asks it for its target with {@code getAddress()} whenever it
 *       needs a connection or a pool key. So the endpoint is picked once, at the end of that
 *       per-send object's constructor, and {@code getAddress()} keeps answering the same pick:
 *       connection pools (HTTP/1.1 and HTTP/2) are keyed per endpoint, and the URI, the
 *       {@code Host} header and {@code :authority} keep the logical name the application wrote.
 *       The pick is kept in the request's {@code authority} field, which the JDK uses only for
 *       requests without a URI (proxy {@code CONNECT}), and which a constructor may assign.</li>
 *   <li>For a service the mesh secures with mutual TLS, the per-send copy is also marked
 *       {@code secure}, so the client opens a TLS connection (pooled apart from plaintext ones),
 *       and the engine it creates for it ({@code AbstractAsyncSSLConnection.createEngine}) gets
 *       the mesh's context. That step is not fail-open: without the identity the connection
 *       fails, it never goes out in plaintext.</li>
 * </ul>
 */
public final class JdkHttpClientInstrumentation implements MeshInstrumentation {

    static final String REQUEST_IMPL = "jdk.internal.net.http.HttpRequestImpl";
    static final String CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";
    static final String SSL_CONNECTION = "jdk.internal.net.http.AbstractAsyncSSLConnection";

    private static final Hook SEND = Hook.on(JdkHttpHooks.class, "send", CompletableFuture.class,
            Object.class, Object.class, Object.class, Object.class, Object.class);
    private static final Hook ATTEMPT_ENDPOINT = Hook.on(Mesh.class, "routeHttp", InetSocketAddress.class,
            InetSocketAddress.class, URI.class, Object.class);
    private static final Hook REDIRECT_ENDPOINT = Hook.on(Mesh.class, "routeHttp", InetSocketAddress.class,
            InetSocketAddress.class, URI.class);
    private static final Hook PROXY = Hook.on(JdkHttpHooks.class, "proxyTo", Proxy.class, Proxy.class, InetSocketAddress.class);
    private static final Hook SECURE = Hook.on(JdkHttpHooks.class, "securesHttp", boolean.class,
            boolean.class, InetSocketAddress.class, URI.class);
    private static final Hook PICKED = Hook.on(JdkHttpHooks.class, "pickedHttpEndpoint", InetSocketAddress.class,
            URI.class, String.class, InetSocketAddress.class);
    private static final Hook TLS_CONTEXT = Hook.on(JdkHttpHooks.class, "tlsContext", SSLContext.class,
            SSLContext.class, String.class, int.class);
    private static final Hook TLS_PARAMETERS = Hook.on(JdkHttpHooks.class, "tlsParameters", SSLParameters.class,
            SSLParameters.class, String.class, int.class);

    @Override
    public String name() {
        return "jdk-http-client";
    }

    @Override
    public List<TypeAdvice> types() {
        // A delegating constructor may already have picked: routeHttp keeps that pick.
        Step copy = Step.exitStoreField("authority", InetSocketAddress.class, ATTEMPT_ENDPOINT.with(
                field("authority", InetSocketAddress.class), field("uri", URI.class), argument(0)));
        Step redirect = Step.exitStoreField("authority", InetSocketAddress.class, REDIRECT_ENDPOINT.with(
                field("authority", InetSocketAddress.class), field("uri", URI.class)));
        // The endpoint is reached directly: an HTTP proxy could not resolve the name.
        Step direct = Step.exitStoreField("proxy", Proxy.class,
                PROXY.with(field("proxy", Proxy.class), field("authority", InetSocketAddress.class)));
        Step secure = Step.exitStoreField("secure", boolean.class, SECURE.with(field("secure", boolean.class),
                field("authority", InetSocketAddress.class), field("uri", URI.class)));
        return List.of(
                TypeAdvice.of(CLIENT_IMPL, MethodAdvice.of(
                        MethodMatch.method("sendAsync", CompletableFuture.class, HttpRequest.class,
                                HttpResponse.BodyHandler.class, HttpResponse.PushPromiseHandler.class, Executor.class),
                        Step.answerIfPresent(SEND.with(self(), argument(0), argument(1), argument(2), argument(3))))),
                TypeAdvice.of(REQUEST_IMPL,
                        // The per-send copy (HttpClientImpl.sendAsync) and the redirect copies; not the
                        // application's own immutable request built by HttpRequest.Builder.
                        MethodAdvice.of(MethodMatch.constructorTaking(0, "Ljava/net/http/HttpRequest;"),
                                copy, direct, secure),
                        MethodAdvice.of(MethodMatch.constructorTaking(0, "Ljava/net/URI;"), redirect, direct, secure),
                        MethodAdvice.of(MethodMatch.method("getAddress", InetSocketAddress.class),
                                Step.answerIfPresent(PICKED.with(field("uri", URI.class),
                                        field("method", String.class), field("authority", InetSocketAddress.class))))),
                TypeAdvice.of(SSL_CONNECTION, MethodAdvice.of(
                        MethodMatch.method("createEngine", SSLEngine.class, SSLContext.class, String.class, int.class,
                                SSLParameters.class),
                        Step.replaceArgument(0, TLS_CONTEXT.with(argument(0), argument(1), argument(2))),
                        Step.replaceArgument(3, TLS_PARAMETERS.with(argument(3), argument(1), argument(2))))));
    }
}

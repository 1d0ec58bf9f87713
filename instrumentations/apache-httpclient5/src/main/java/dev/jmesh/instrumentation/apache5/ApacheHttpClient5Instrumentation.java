package dev.jmesh.instrumentation.apache5;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.self;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Routes Apache HttpClient 5 calls, classic ({@code execute}, and so Spring's
 * {@code RestClient.create()} and {@code HttpComponentsClientHttpRequestFactory}; through
 * {@link ClassicCalls}) and async (through {@link AsyncCalls}).
 *
 * <ul>
 *   <li>{@code InternalHttpClient.doExecute(target, request, context)}, where every
 *       {@code execute} ends: a call to a mesh service is run by the mesh, each attempt an
 *       ordinary {@code execute} to the endpoint as target, so the connection pool is the
 *       client's own, keyed per endpoint, and the request keeps its logical authority
 *       ({@code Host}).</li>
 *   <li>{@code InternalAbstractHttpAsyncClient.doExecute}, where every async {@code execute}
 *       ends: the same, each attempt an async {@code execute} whose response is given to the
 *       application's consumer only when the mesh does not retry it.</li>
 *   <li>{@code HttpRequestRetryExec.execute} and {@code AsyncHttpRequestRetryExec.execute}: an
 *       attempt skips the client's own retry step,
 *       which would resend to the same endpoint (and wait a second on a 503): the mesh's
 *       retry policy is the one in force, as with every other client.</li>
 * </ul>
 */
public final class ApacheHttpClient5Instrumentation implements MeshInstrumentation {

    private static final String PACKAGE = "dev.jmesh.instrumentation.apache5.";
    static final String CALLS = PACKAGE + "ClassicCalls";
    static final String ASYNC_CALLS = PACKAGE + "AsyncCalls";

    @Override
    public String name() {
        return "apache-httpclient5";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                TypeAdvice.of("org.apache.hc.client5.http.impl.classic.InternalHttpClient", MethodAdvice.of(
                        MethodMatch.method("doExecute", "org.apache.hc.client5.http.impl.classic.CloseableHttpResponse",
                                "org.apache.hc.core5.http.HttpHost", "org.apache.hc.core5.http.ClassicHttpRequest",
                                "org.apache.hc.core5.http.protocol.HttpContext"),
                        Step.answerIfPresent(Hook.on(CALLS, "execute", Object.class,
                                Object.class, Object.class, Object.class, Object.class)
                                .with(self(), argument(0), argument(1), argument(2))))),
                TypeAdvice.of("org.apache.hc.client5.http.impl.classic.HttpRequestRetryExec", MethodAdvice.of(
                        MethodMatch.method("execute", "org.apache.hc.core5.http.ClassicHttpResponse",
                                "org.apache.hc.core5.http.ClassicHttpRequest",
                                "org.apache.hc.client5.http.classic.ExecChain$Scope",
                                "org.apache.hc.client5.http.classic.ExecChain"),
                        Step.answerIfPresent(Hook.on(CALLS, "withoutLibraryRetries", Object.class,
                                Object.class, Object.class, Object.class)
                                .with(argument(0), argument(1), argument(2))))),
                TypeAdvice.of("org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient", MethodAdvice.of(
                        MethodMatch.method("doExecute", "java.util.concurrent.Future",
                                "org.apache.hc.core5.http.HttpHost", "org.apache.hc.core5.http.nio.AsyncRequestProducer",
                                "org.apache.hc.core5.http.nio.AsyncResponseConsumer",
                                "org.apache.hc.core5.http.nio.HandlerFactory",
                                "org.apache.hc.core5.http.protocol.HttpContext",
                                "org.apache.hc.core5.concurrent.FutureCallback"),
                        Step.answerIfPresent(Hook.on(ASYNC_CALLS, "execute", Object.class, Object.class, Object.class,
                                Object.class, Object.class, Object.class, Object.class, Object.class)
                                .with(self(), argument(0), argument(1), argument(2), argument(3), argument(4),
                                        argument(5))))),
                TypeAdvice.of("org.apache.hc.client5.http.impl.async.AsyncHttpRequestRetryExec", MethodAdvice.of(
                        MethodMatch.method("execute", "void", "org.apache.hc.core5.http.HttpRequest",
                                "org.apache.hc.core5.http.nio.AsyncEntityProducer",
                                "org.apache.hc.client5.http.async.AsyncExecChain$Scope",
                                "org.apache.hc.client5.http.async.AsyncExecChain",
                                "org.apache.hc.client5.http.async.AsyncExecCallback"),
                        Step.answerIfPresent(Hook.on(ASYNC_CALLS, "withoutLibraryRetries", boolean.class,
                                Object.class, Object.class, Object.class, Object.class, Object.class)
                                .with(argument(0), argument(1), argument(2), argument(3), argument(4))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "AttemptContext", CALLS, PACKAGE + "ClassicTransport", ASYNC_CALLS,
                PACKAGE + "AsyncTransport", PACKAGE + "VerdictConsumer");
    }
}

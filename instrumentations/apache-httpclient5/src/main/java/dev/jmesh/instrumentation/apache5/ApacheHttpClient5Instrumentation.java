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
 * Routes Apache HttpClient 5 classic calls (every {@code execute} overload, and so Spring's
 * {@code RestClient.create()} and {@code HttpComponentsClientHttpRequestFactory}) through
 * {@link ClassicCalls}.
 *
 * <ul>
 *   <li>{@code InternalHttpClient.doExecute(target, request, context)}, where every
 *       {@code execute} ends: a call to a mesh service is run by the mesh, each attempt an
 *       ordinary {@code execute} to the endpoint as target, so the connection pool is the
 *       client's own, keyed per endpoint, and the request keeps its logical authority
 *       ({@code Host}).</li>
 *   <li>{@code HttpRequestRetryExec.execute}: an attempt skips the client's own retry step,
 *       which would resend to the same endpoint (and wait a second on a 503): the mesh's
 *       retry policy is the one in force, as with every other client.</li>
 * </ul>
 */
public final class ApacheHttpClient5Instrumentation implements MeshInstrumentation {

    static final String CALLS = "dev.jmesh.instrumentation.apache5.ClassicCalls";
    static final String TRANSPORT = "dev.jmesh.instrumentation.apache5.ClassicTransport";

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
                                .with(argument(0), argument(1), argument(2))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(CALLS, TRANSPORT);
    }

    /** The async API (and the classic API's HTTP/2 sibling built on it). */
    @Override
    public List<String> notRoutedClassNames() {
        return List.of("org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient");
    }
}

package dev.jmesh.instrumentation.apache4;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.field;
import static dev.jmesh.instrumentation.api.Value.self;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Routes Apache HttpClient 4.5 calls (every {@code execute} overload) through {@link Calls4},
 * as {@code ApacheHttpClient5Instrumentation} does for 5.x: {@code InternalHttpClient.doExecute}
 * hands a call to a mesh service to the mesh, each attempt an ordinary {@code execute} to the
 * endpoint as target; and an attempt skips the client's {@code RetryExec}, which would resend
 * to the same endpoint.
 */
public final class ApacheHttpClient4Instrumentation implements MeshInstrumentation {

    static final String CALLS = "dev.jmesh.instrumentation.apache4.Calls4";
    static final String TRANSPORT = "dev.jmesh.instrumentation.apache4.Transport4";
    static final String LOCAL_RESPONSE = "dev.jmesh.instrumentation.apache4.LocalResponse4";
    private static final String EXEC_CHAIN = "org.apache.http.impl.execchain.ClientExecChain";

    @Override
    public String name() {
        return "apache-httpclient4";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                TypeAdvice.of("org.apache.http.impl.client.InternalHttpClient", MethodAdvice.of(
                        MethodMatch.method("doExecute", "org.apache.http.client.methods.CloseableHttpResponse",
                                "org.apache.http.HttpHost", "org.apache.http.HttpRequest",
                                "org.apache.http.protocol.HttpContext"),
                        Step.answerIfPresent(Hook.on(CALLS, "execute", Object.class,
                                Object.class, Object.class, Object.class, Object.class)
                                .with(self(), argument(0), argument(1), argument(2))))),
                TypeAdvice.of("org.apache.http.impl.execchain.RetryExec", MethodAdvice.of(
                        MethodMatch.method("execute", "org.apache.http.client.methods.CloseableHttpResponse",
                                "org.apache.http.conn.routing.HttpRoute", "org.apache.http.client.methods.HttpRequestWrapper",
                                "org.apache.http.client.protocol.HttpClientContext",
                                "org.apache.http.client.methods.HttpExecutionAware"),
                        Step.answerIfPresent(Hook.on(CALLS, "withoutLibraryRetries", Object.class,
                                Object.class, Object.class, Object.class, Object.class, Object.class)
                                .with(field("requestExecutor", EXEC_CHAIN), argument(0), argument(1), argument(2),
                                        argument(3))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(CALLS, TRANSPORT, LOCAL_RESPONSE);
    }
}

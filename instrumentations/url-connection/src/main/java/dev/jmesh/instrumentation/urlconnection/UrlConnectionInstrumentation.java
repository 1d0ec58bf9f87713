package dev.jmesh.instrumentation.urlconnection;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.returned;
import static dev.jmesh.instrumentation.api.Value.self;

import dev.jmesh.bootstrap.UrlConnectionHooks;
import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URL;
import java.util.List;

/**
 * Routes {@code HttpURLConnection} requests ({@code new URL(...).openConnection()}, and so
 * OpenFeign's default client and Spring's {@code SimpleClientHttpRequestFactory}) to mesh
 * services, per request, with retries, deadlines and reports as every other client
 * ({@link HttpUrlConnectionDriver}).
 *
 * <ul>
 *   <li>{@code getInputStream0}, where every read of the response begins
 *       ({@code getResponseCode}, {@code getInputStream}, {@code getHeaderField}): a request
 *       to a mesh service is run by the mesh, each attempt the connection's own method.</li>
 *   <li>{@code plainConnect} ({@code connect()}, and where writing the body would connect):
 *       such a request connects only in its attempts, to the attempt's endpoint; an early
 *       {@code connect()} (Spring's factory makes one) does nothing yet.</li>
 *   <li>{@code getOutputStream0} and {@code streaming}: its body is buffered, so that a retry
 *       can send it again: {@code HttpURLConnection}'s own default, now also when the
 *       application asked to stream it (fixed length or chunked, as Spring's factory does).</li>
 *   <li>{@code getNewHttpClient}, where the connection opens (or takes from the keep-alive
 *       cache) its connection: to the endpoint, without a proxy. The keep-alive cache is keyed
 *       by that URL, so it never hands one endpoint's connection to another's request; the
 *       request line and {@code Host} keep the URL the application opened.</li>
 * </ul>
 */
public final class UrlConnectionInstrumentation implements MeshInstrumentation {

    static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    private static final String HTTP_CLIENT = "sun.net.www.http.HttpClient";

    private static final Hook REQUEST_BODY = Hook.on(UrlConnectionHooks.class, "requestBody", OutputStream.class,
            Object.class);
    private static final Hook RESPONSE = Hook.on(UrlConnectionHooks.class, "response", InputStream.class, Object.class);
    private static final Hook DEFERS_CONNECT = Hook.on(UrlConnectionHooks.class, "defersConnect", boolean.class,
            Object.class);
    private static final Hook STREAMS = Hook.on(UrlConnectionHooks.class, "streams", boolean.class,
            boolean.class, Object.class);
    private static final Hook TARGET = Hook.on(UrlConnectionHooks.class, "target", URL.class, Object.class, URL.class);
    private static final Hook PROXY = Hook.on(UrlConnectionHooks.class, "proxy", Proxy.class,
            Object.class, URL.class, Proxy.class);

    @Override
    public String name() {
        return "url-connection";
    }

    @Override
    public List<TypeAdvice> types() {
        // The target first; the proxy then sees whether the target is still what was asked.
        Step[] route = {
            Step.replaceArgument(0, TARGET.with(self(), argument(0))),
            Step.replaceArgument(1, PROXY.with(self(), argument(0), argument(1))),
        };
        return List.of(TypeAdvice.of(CONNECTION,
                MethodAdvice.of(MethodMatch.method("plainConnect", void.class),
                        Step.answerIfPresent(DEFERS_CONNECT.with(self()))),
                MethodAdvice.of(MethodMatch.method("streaming", boolean.class),
                        Step.exit(STREAMS.with(returned(), self()))),
                MethodAdvice.of(MethodMatch.method("getOutputStream0", OutputStream.class),
                        Step.answerIfPresent(REQUEST_BODY.with(self()))),
                MethodAdvice.of(MethodMatch.method("getInputStream0", InputStream.class),
                        Step.answerIfPresent(RESPONSE.with(self()))),
                MethodAdvice.of(MethodMatch.method("getNewHttpClient", HTTP_CLIENT, URL.class.getName(),
                        Proxy.class.getName(), "int"), route),
                MethodAdvice.of(MethodMatch.method("getNewHttpClient", HTTP_CLIENT, URL.class.getName(),
                        Proxy.class.getName(), "int", "boolean"), route)));
    }
}

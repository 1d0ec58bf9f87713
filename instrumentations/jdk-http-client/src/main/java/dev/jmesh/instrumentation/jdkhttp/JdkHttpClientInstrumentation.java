package dev.jmesh.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import java.net.URI;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Routes {@code java.net.http.HttpClient} requests ({@code send}, {@code sendAsync}, HTTP/1.1
 * and HTTP/2) by changing only the socket address a request connects to.
 *
 * <p>A send to a mesh service is handed to {@link JdkHttpCallDriver}, which makes one
 * ordinary send per attempt (retries, deadlines) and names each attempt's endpoint.
 *
 * <p>The client turns every request it sends into a fresh {@code HttpRequestImpl} (one per
 * send, one per redirect) and asks it for its target with {@code getAddress()} whenever it
 * needs a connection or a pool key. So the endpoint is picked once, when that per-send
 * object is built, and {@code getAddress()} keeps answering the same pick: connection pools
 * (HTTP/1.1 and HTTP/2) are keyed per endpoint, and the URI, the {@code Host} header and
 * {@code :authority} keep the logical name the application wrote.
 *
 * <p>The pick is kept in the request's {@code authority} field, which the JDK uses only for
 * requests without a URI (proxy {@code CONNECT}), and which a constructor may assign.
 *
 * <p>For a service the mesh secures with mutual TLS, the per-send copy is also marked
 * {@code secure}, so the client opens a TLS connection (pooled apart from plaintext ones), and
 * the engine it creates for it gets the mesh's context.
 */
public final class JdkHttpClientInstrumentation implements MeshInstrumentation {

    static final String REQUEST_IMPL = "jdk.internal.net.http.HttpRequestImpl";
    static final String CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";
    static final String SSL_CONNECTION = "jdk.internal.net.http.AbstractAsyncSSLConnection";

    @Override
    public String name() {
        return "jdk-http-client";
    }

    @Override
    public Set<String> typeNames() {
        return Set.of(REQUEST_IMPL, CLIENT_IMPL, SSL_CONNECTION);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return new AgentBuilder.Transformer.ForAdvice()
                .include(JdkHttpClientInstrumentation.class.getClassLoader())
                .advice(isDeclaredBy(named(CLIENT_IMPL)).and(named("sendAsync")).and(takesArguments(4)),
                        SendAdvice.class.getName())
                // The per-send copy (HttpClientImpl.sendAsync) and the redirect copies; not the
                // application's own immutable request built by HttpRequest.Builder.
                .advice(isDeclaredBy(named(REQUEST_IMPL)).and(isConstructor()).and(
                                takesArgument(0, named("java.net.http.HttpRequest"))
                                        .or(takesArgument(0, URI.class))),
                        PickEndpointAdvice.class.getName())
                .advice(isDeclaredBy(named(REQUEST_IMPL)).and(named("getAddress")).and(takesNoArguments()),
                        PickedEndpointAdvice.class.getName())
                .advice(isDeclaredBy(named(SSL_CONNECTION)).and(named("createEngine")).and(takesArguments(4)),
                        EngineAdvice.class.getName());
    }
}

package dev.jmesh.instrumentation.netty;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;

/**
 * Netty-based HTTP clients (Reactor Netty's {@code HttpClient} and so Spring's
 * {@code WebClient}, Vert.x, AsyncHttpClient) are not routed yet: their requests to http
 * services pass through, and a mesh name does not resolve for them. Netty's HTTP client codec,
 * which all of them use, is named in one line when it loads.
 */
public final class NettyHttpClients implements MeshInstrumentation {

    @Override
    public String name() {
        return "netty-http";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of();
    }

    @Override
    public List<String> notRoutedClassNames() {
        return List.of("io.netty.handler.codec.http.HttpClientCodec");
    }
}

package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The hooks woven into HttpClient 5. Defined by the agent in the loader that loaded HttpClient;
 * each returns {@code null} to let the client's method run as it would without the mesh.
 */
public final class ClassicCalls {

    private ClassicCalls() {}

    /** {@code InternalHttpClient.doExecute}: the response of a call the mesh ran, or {@code null}. */
    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        if (AttemptContext.isAttempt((HttpContext) context)) {
            return null;
        }
        ClassicHttpRequest classic = (ClassicHttpRequest) request;
        HttpHost host = (HttpHost) target;
        HttpCall call = begin(host, classic);
        if (call == null) {
            return null;
        }
        AttemptContext attempt = new AttemptContext(client, classic, context(context));
        try {
            return call.execute(new ClassicTransport((CloseableHttpClient) client, host, classic, attempt));
        } finally {
            attempt.restore();
        }
    }

    /**
     * {@code HttpRequestRetryExec.execute}: an attempt of a mesh call goes straight on, the mesh
     * decides its retries; anything else ({@code null}) meets the client's own retry strategy.
     */
    public static Object withoutLibraryRetries(Object request, Object scope, Object chain)
            throws IOException, HttpException {
        ExecChain.Scope attempt = (ExecChain.Scope) scope;
        if (!AttemptContext.isAttempt(attempt.clientContext)) {
            return null;
        }
        return ((ExecChain) chain).proceed((ClassicHttpRequest) request, attempt);
    }

    /** Begins the mesh call of a request to {@code target}, or of the request's own authority. */
    static HttpCall begin(HttpHost target, HttpRequest request) {
        URIAuthority authority = request.getAuthority();
        String scheme = target != null ? target.getSchemeName() : request.getScheme();
        String host = target != null ? target.getHostName() : authority == null ? null : authority.getHostName();
        return Mesh.beginHttp(scheme, host, request.getMethod(), request.getPath());
    }

    /** The application's context, or one for the call when it gave none. */
    static HttpClientContext context(Object context) {
        return context == null ? HttpClientContext.create() : HttpClientContext.adapt((HttpContext) context);
    }

    /** An attempt's target: the endpoint, with the scheme of the application's target or request. */
    static HttpHost endpoint(HttpHost target, HttpRequest request, InetSocketAddress endpoint) {
        String scheme = target != null ? target.getSchemeName() : request.getScheme();
        return new HttpHost(scheme, endpoint.getAddress(), endpoint.getHostString(), endpoint.getPort());
    }
}

package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The hooks woven into HttpClient 5. Defined by the agent in the loader that loaded HttpClient;
 * each returns {@code null} to let the client's method run as it would without the mesh.
 */
public final class ClassicCalls {

    /** Context attribute that marks an attempt of a mesh call, so that hooks let it through. */
    static final String ATTEMPT = "dev.jmesh.attempt";

    private ClassicCalls() {}

    /** {@code InternalHttpClient.doExecute}: the response of a call the mesh ran, or {@code null}. */
    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        if (context instanceof HttpContext c && c.getAttribute(ATTEMPT) != null) {
            return null;
        }
        ClassicHttpRequest classic = (ClassicHttpRequest) request;
        HttpHost host = (HttpHost) target;
        URIAuthority authority = classic.getAuthority();
        String scheme = host != null ? host.getSchemeName() : classic.getScheme();
        String name = host != null ? host.getHostName() : authority == null ? null : authority.getHostName();
        HttpCall call = Mesh.beginHttp(scheme, name, classic.getMethod(), classic.getPath());
        if (call == null) {
            return null;
        }
        ClassicTransport transport = new ClassicTransport((CloseableHttpClient) client, host, classic,
                context == null ? HttpClientContext.create() : HttpClientContext.adapt((HttpContext) context));
        try {
            return call.execute(transport);
        } finally {
            transport.restore();
        }
    }

    /**
     * {@code HttpRequestRetryExec.execute}: an attempt of a mesh call goes straight on, the mesh
     * decides its retries; anything else ({@code null}) meets the client's own retry strategy.
     */
    public static Object withoutLibraryRetries(Object request, Object scope, Object chain)
            throws IOException, HttpException {
        ExecChain.Scope attempt = (ExecChain.Scope) scope;
        if (attempt.clientContext.getAttribute(ATTEMPT) == null) {
            return null;
        }
        return ((ExecChain) chain).proceed((ClassicHttpRequest) request, attempt);
    }
}

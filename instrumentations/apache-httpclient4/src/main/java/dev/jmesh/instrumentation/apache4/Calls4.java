package dev.jmesh.instrumentation.apache4;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.net.URI;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.protocol.HttpContext;

/**
 * The hooks woven into HttpClient 4.5. Defined by the agent in the loader that loaded
 * HttpClient; each returns {@code null} to let the client's method run as it would without
 * the mesh.
 */
public final class Calls4 {

    /** Context attribute that marks an attempt of a mesh call, so that hooks let it through. */
    static final String ATTEMPT = "dev.jmesh.attempt";

    private Calls4() {}

    /** {@code InternalHttpClient.doExecute}: the response of a call the mesh ran, or {@code null}. */
    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        if (context instanceof HttpContext c && c.getAttribute(ATTEMPT) != null) {
            return null;
        }
        HttpRequest http = (HttpRequest) request;
        HttpHost host = (HttpHost) target;
        if (host == null) {
            return null; // a relative request without a target: the client itself fails it
        }
        URI uri;
        try {
            uri = URI.create(http.getRequestLine().getUri());
        } catch (IllegalArgumentException e) {
            return null; // a request line the mesh cannot read goes out as the application wrote it
        }
        HttpCall call = Mesh.beginHttp(host.getSchemeName(), host.getHostName(), http.getRequestLine().getMethod(),
                uri.getRawPath(), uri.getRawQuery());
        if (call == null) {
            return null;
        }
        Transport4 transport = new Transport4((CloseableHttpClient) client, host, http,
                HttpClientContext.adapt(context == null ? HttpClientContext.create() : (HttpContext) context));
        try {
            return call.execute(transport);
        } finally {
            transport.restore();
        }
    }

    /** {@code RetryExec.execute}: an attempt of a mesh call goes straight to the next link of the chain. */
    public static Object withoutLibraryRetries(Object next, Object route, Object request, Object context,
                                               Object execAware) throws IOException, HttpException {
        HttpClientContext attempt = (HttpClientContext) context;
        if (attempt.getAttribute(ATTEMPT) == null) {
            return null;
        }
        return ((ClientExecChain) next).execute((HttpRoute) route, (HttpRequestWrapper) request, attempt,
                (HttpExecutionAware) execAware);
    }
}

package dev.jmesh.instrumentation.apache4;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.http.Header;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * One attempt of an HttpClient 4.5 call is an ordinary {@code execute} with the endpoint as
 * its target and the application's request, whose absolute URI keeps the logical name as
 * {@code Host}. The attempt's bound becomes the request's connect and socket timeouts.
 */
final class Transport4 implements HttpTransport<CloseableHttpResponse> {

    private final CloseableHttpClient client;
    private final HttpHost target;
    private final HttpRequest request;
    private final HttpClientContext context;
    /** The configuration the request or the context had, put back when the call ends. */
    private final RequestConfig ownRequestConfig;
    private final RequestConfig contextConfig;
    /** The header the mesh set on the application's request, or null. */
    private String meshHeader;

    Transport4(CloseableHttpClient client, HttpHost target, HttpRequest request, HttpClientContext context) {
        this.client = client;
        this.target = target;
        this.request = request;
        this.context = context;
        this.ownRequestConfig = request instanceof Configurable c ? c.getConfig() : null;
        this.contextConfig = (RequestConfig) context.getAttribute(HttpClientContext.REQUEST_CONFIG);
        context.setAttribute(Calls4.ATTEMPT, Boolean.TRUE);
    }

    @Override
    public String header(String name) {
        Header header = request.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    /** Set on the application's request for every attempt; removed by {@link #restore}. */
    @Override
    public void setHeader(String name, String value) {
        request.setHeader(name, value);
        meshHeader = name;
    }

    @Override
    public long requestBodyBytes() {
        return request instanceof HttpEntityEnclosingRequest enclosing && enclosing.getEntity() != null
                ? enclosing.getEntity().getContentLength() : 0;
    }

    @Override
    public CloseableHttpResponse send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        if (timeoutMillis > 0) {
            bound((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        }
        return client.execute(new HttpHost(endpoint.getAddress(), endpoint.getHostString(), endpoint.getPort(),
                target.getSchemeName()), request, context);
    }

    /** The request's own configuration wins over the context's in HttpClient: the bound goes where it is read. */
    private void bound(int millis) {
        RequestConfig base = ownRequestConfig != null ? ownRequestConfig
                : contextConfig != null ? contextConfig
                : client instanceof Configurable c && c.getConfig() != null ? c.getConfig() : RequestConfig.DEFAULT;
        RequestConfig.Builder bounded = RequestConfig.copy(base).setConnectTimeout(bounded(base.getConnectTimeout(), millis))
                .setSocketTimeout(bounded(base.getSocketTimeout(), millis));
        if (ownRequestConfig != null && request instanceof HttpRequestBase configurable) {
            configurable.setConfig(bounded.build());
        } else {
            context.setRequestConfig(bounded.build());
        }
    }

    /** The shorter of a configured timeout (0 or less: none) and the attempt's bound. */
    private static int bounded(int configured, int millis) {
        return configured > 0 ? Math.min(configured, millis) : millis;
    }

    /** Leaves the application's request and context as they were. */
    void restore() {
        context.removeAttribute(Calls4.ATTEMPT);
        if (meshHeader != null) {
            request.removeHeaders(meshHeader);
        }
        if (contextConfig == null) {
            context.removeAttribute(HttpClientContext.REQUEST_CONFIG);
        } else {
            context.setRequestConfig(contextConfig);
        }
        if (ownRequestConfig != null && request instanceof HttpRequestBase configurable) {
            configurable.setConfig(ownRequestConfig);
        }
    }

    @Override
    public CloseableHttpResponse localReply(int status, String reason) {
        return new LocalResponse4(status, reason);
    }

    @Override
    public int status(CloseableHttpResponse response) {
        return response.getStatusLine().getStatusCode();
    }

    @Override
    public String responseHeader(CloseableHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    @Override
    public void discard(CloseableHttpResponse response) {
        try {
            // Consumed first, so that the connection goes back to the pool rather than closed.
            EntityUtils.consume(response.getEntity());
            response.close();
        } catch (IOException e) {
            // the next attempt does not need this connection
        }
    }

    /** HttpClient's connect timeout is its own (an interruption, to the JDK's eyes). */
    @Override
    public FailureKind classify(IOException e) {
        return e instanceof ConnectTimeoutException ? FailureKind.CONNECT_FAILURE : FailureKind.of(e);
    }
}

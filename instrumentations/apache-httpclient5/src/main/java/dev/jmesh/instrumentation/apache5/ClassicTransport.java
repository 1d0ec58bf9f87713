package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * One attempt of an HttpClient 5 call is an ordinary {@code execute} with the endpoint as its
 * target and the application's request, whose authority stays the logical name. The
 * attempt's bound becomes the request's connect and response timeouts.
 */
final class ClassicTransport implements HttpTransport<CloseableHttpResponse> {

    private final CloseableHttpClient client;
    private final HttpHost target;
    private final ClassicHttpRequest request;
    private final HttpClientContext context;
    /** The configuration the request or the context had, put back when the call ends. */
    private final RequestConfig ownRequestConfig;
    private final RequestConfig contextConfig;

    ClassicTransport(CloseableHttpClient client, HttpHost target, ClassicHttpRequest request, HttpClientContext context) {
        this.client = client;
        this.target = target;
        this.request = request;
        this.context = context;
        this.ownRequestConfig = request instanceof Configurable c ? c.getConfig() : null;
        this.contextConfig = context.getRequestConfig();
        context.setAttribute(ClassicCalls.ATTEMPT, Boolean.TRUE);
    }

    @Override
    public String header(String name) {
        Header header = request.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    @Override
    public CloseableHttpResponse send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        if (timeoutMillis > 0) {
            bound(Timeout.ofMilliseconds(timeoutMillis));
        }
        String scheme = target != null ? target.getSchemeName() : request.getScheme();
        return client.execute(new HttpHost(scheme, endpoint.getAddress(), endpoint.getHostString(), endpoint.getPort()),
                request, context);
    }

    /** The request's own configuration wins over the context's in HttpClient: the bound goes where it is read. */
    @SuppressWarnings("deprecation") // a per-request connect timeout is still honoured by every 5.x
    private void bound(Timeout timeout) {
        RequestConfig base = ownRequestConfig != null ? ownRequestConfig
                : contextConfig != null ? contextConfig
                : client instanceof Configurable c && c.getConfig() != null ? c.getConfig() : RequestConfig.DEFAULT;
        RequestConfig.Builder bounded = RequestConfig.copy(base).setConnectTimeout(timeout);
        if (base.getResponseTimeout() == null || base.getResponseTimeout().isDisabled()
                || base.getResponseTimeout().compareTo(timeout) > 0) {
            bounded.setResponseTimeout(timeout);
        }
        if (ownRequestConfig != null && request instanceof HttpUriRequestBase configurable) {
            configurable.setConfig(bounded.build());
        } else {
            context.setRequestConfig(bounded.build());
        }
    }

    /** Leaves the application's request and context as they were. */
    void restore() {
        context.removeAttribute(ClassicCalls.ATTEMPT);
        context.setRequestConfig(contextConfig);
        if (ownRequestConfig != null && request instanceof HttpUriRequestBase configurable) {
            configurable.setConfig(ownRequestConfig);
        }
    }

    @Override
    public int status(CloseableHttpResponse response) {
        return response.getCode();
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

package dev.jmesh.instrumentation.apache5;

import org.apache.hc.client5.http.async.methods.ConfigurableHttpRequest;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * The application's context and request while the mesh runs their attempts (classic and async
 * alike): marked as a mesh attempt, so that hooks let the attempt through, and with the
 * attempt's bound as connect and response timeouts. HttpClient reads the request's own
 * configuration before the context's, so the bound goes where it is read. Left as they were
 * when the call ends.
 */
final class AttemptContext {

    /** Context attribute that marks an attempt of a mesh call. */
    private static final String ATTEMPT = "dev.jmesh.attempt";

    private final Object client;
    private final HttpRequest request;
    private final HttpClientContext context;
    private final RequestConfig ownRequestConfig;
    private final RequestConfig contextConfig;
    /** The header the mesh set on the application's request, removed again when the call ends; or null. */
    private String meshHeader;

    AttemptContext(Object client, HttpRequest request, HttpClientContext context) {
        this.client = client;
        this.request = request;
        this.context = context;
        this.ownRequestConfig = request instanceof Configurable c ? c.getConfig() : null;
        this.contextConfig = context.getRequestConfig();
        context.setAttribute(ATTEMPT, Boolean.TRUE);
    }

    /** Whether {@code context} is that of an attempt the mesh is making. */
    static boolean isAttempt(HttpContext context) {
        return context != null && context.getAttribute(ATTEMPT) != null;
    }

    HttpClientContext context() {
        return context;
    }

    /** The application's request header {@code name}, or {@code null}. */
    String header(String name) {
        Header header = request.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    /** Sets a header of the mesh's on the application's request, for every attempt; removed by {@link #restore}. */
    void setHeader(String name, String value) {
        request.setHeader(name, value);
        meshHeader = name;
    }

    @SuppressWarnings("deprecation") // a per-request connect timeout is still honoured by every 5.x
    void bound(long millis) {
        Timeout timeout = Timeout.ofMilliseconds(millis);
        RequestConfig base = ownRequestConfig != null ? ownRequestConfig
                : contextConfig != null ? contextConfig
                : client instanceof Configurable c && c.getConfig() != null ? c.getConfig() : RequestConfig.DEFAULT;
        RequestConfig.Builder bounded = RequestConfig.copy(base).setConnectTimeout(timeout);
        if (base.getResponseTimeout() == null || base.getResponseTimeout().isDisabled()
                || base.getResponseTimeout().compareTo(timeout) > 0) {
            bounded.setResponseTimeout(timeout);
        }
        if (ownRequestConfig == null || !setRequestConfig(bounded.build())) {
            context.setRequestConfig(bounded.build());
        }
    }

    void restore() {
        context.removeAttribute(ATTEMPT);
        if (meshHeader != null) {
            request.removeHeaders(meshHeader);
        }
        context.setRequestConfig(contextConfig);
        if (ownRequestConfig != null) {
            setRequestConfig(ownRequestConfig);
        }
    }

    private boolean setRequestConfig(RequestConfig config) {
        if (request instanceof HttpUriRequestBase classic) {
            classic.setConfig(config);
        } else if (request instanceof ConfigurableHttpRequest async) {
            async.setConfig(config);
        } else {
            return false;
        }
        return true;
    }
}

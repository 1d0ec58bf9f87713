package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;

/**
 * One attempt of an HttpClient 5 classic call is an ordinary {@code execute} with the endpoint
 * as its target and the application's request, whose authority stays the logical name.
 */
final class ClassicTransport implements HttpTransport<CloseableHttpResponse> {

    private final CloseableHttpClient client;
    private final HttpHost target;
    private final ClassicHttpRequest request;
    private final AttemptContext attempt;

    ClassicTransport(CloseableHttpClient client, HttpHost target, ClassicHttpRequest request, AttemptContext attempt) {
        this.client = client;
        this.target = target;
        this.request = request;
        this.attempt = attempt;
    }

    @Override
    public String header(String name) {
        return attempt.header(name);
    }

    @Override
    public void setHeader(String name, String value) {
        attempt.setHeader(name, value);
    }

    @Override
    public long requestBodyBytes() {
        return request.getEntity() == null ? 0 : request.getEntity().getContentLength();
    }

    @Override
    public CloseableHttpResponse send(InetSocketAddress endpoint, long timeoutMillis) throws IOException {
        if (timeoutMillis > 0) {
            attempt.bound(timeoutMillis);
        }
        return client.execute(ClassicCalls.endpoint(target, request, endpoint), request, attempt.context());
    }

    /** A response with the reason as its text body; {@code adapt} is public from HttpClient 5.2 on. */
    @Override
    public CloseableHttpResponse localReply(int status, String reason) throws IOException {
        BasicClassicHttpResponse response = new BasicClassicHttpResponse(status);
        response.setEntity(new StringEntity(reason, ContentType.TEXT_PLAIN));
        try {
            return CloseableHttpResponse.adapt(response);
        } catch (IllegalAccessError older) {
            throw new IOException(reason);
        }
    }

    @Override
    public int status(CloseableHttpResponse response) {
        return response.getCode();
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

package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.RoutedRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * The application's request as one attempt sends it: the same URI and body, its headers with
 * those the mesh sets, the
 * attempt's timeout when that is shorter than the request's own, and the endpoint the mesh
 * chose, which the client's per-send copy reads (see {@code Mesh.routeHttp}).
 */
final class AttemptRequest extends HttpRequest implements RoutedRequest {

    private final HttpRequest request;
    private final HttpHeaders headers;
    private final InetSocketAddress endpoint;
    private final Optional<Duration> timeout;

    AttemptRequest(HttpRequest request, HttpHeaders headers, InetSocketAddress endpoint, long timeoutMillis) {
        this.request = request;
        this.headers = headers;
        this.endpoint = endpoint;
        Optional<Duration> own = request.timeout();
        this.timeout = timeoutMillis <= 0 || (own.isPresent() && own.get().toMillis() <= timeoutMillis)
                ? own : Optional.of(Duration.ofMillis(timeoutMillis));
    }

    @Override
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    @Override
    public Optional<BodyPublisher> bodyPublisher() {
        return request.bodyPublisher();
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public Optional<Duration> timeout() {
        return timeout;
    }

    @Override
    public boolean expectContinue() {
        return request.expectContinue();
    }

    @Override
    public URI uri() {
        return request.uri();
    }

    @Override
    public Optional<HttpClient.Version> version() {
        return request.version();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }
}

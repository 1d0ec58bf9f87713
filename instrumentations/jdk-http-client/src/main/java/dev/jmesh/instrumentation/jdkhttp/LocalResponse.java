package dev.jmesh.instrumentation.jdkhttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * A response the mesh gives without sending the request (a fault abort, a rate limit): its
 * text body goes through the application's own body handler, as a server's would.
 */
final class LocalResponse<T> implements HttpResponse<T> {

    private final HttpRequest request;
    private final int status;
    private final HttpHeaders headers;
    private final T body;

    private LocalResponse(HttpRequest request, int status, HttpHeaders headers, T body) {
        this.request = request;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** The response, once the application's handler has read {@code text} as its body. */
    static <T> CompletableFuture<HttpResponse<T>> of(HttpRequest request, int status, String text,
                                                     HttpResponse.BodyHandler<T> handler) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = HttpHeaders.of(Map.of(
                "content-type", List.of("text/plain; charset=utf-8"),
                "content-length", List.of(Integer.toString(bytes.length))), (name, value) -> true);
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
        try {
            HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
            subscriber.onSubscribe(new OneBuffer(subscriber, ByteBuffer.wrap(bytes)));
            return subscriber.getBody().toCompletableFuture()
                    .thenApply(body -> new LocalResponse<>(request, status, headers, body));
        } catch (RuntimeException e) {
            // The application's handler failed: its call fails with that, as with a server's response.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Hands the body over in one buffer when first asked, then completes. */
    private static final class OneBuffer implements Flow.Subscription {
        private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
        private ByteBuffer buffer;

        OneBuffer(Flow.Subscriber<? super List<ByteBuffer>> subscriber, ByteBuffer buffer) {
            this.subscriber = subscriber;
            this.buffer = buffer;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0 || buffer == null) {
                return;
            }
            ByteBuffer body = buffer;
            buffer = null;
            subscriber.onNext(List.of(body));
            subscriber.onComplete();
        }

        @Override
        public synchronized void cancel() {
            buffer = null;
        }
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public T body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return request.uri();
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}

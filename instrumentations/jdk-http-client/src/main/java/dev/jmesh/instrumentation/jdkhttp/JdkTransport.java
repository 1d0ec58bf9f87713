package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * One attempt of a JDK HttpClient call is an ordinary {@code sendAsync} of an
 * {@link AttemptRequest}, whose endpoint the client's per-send request object takes. The
 * mesh's verdict is asked at the response head, so a response that will be retried is
 * discarded without the application's body handler ever seeing it.
 */
final class JdkTransport<T> implements AsyncHttpTransport<HttpResponse<T>> {

    private final MethodHandle sendAsync;
    private final Object client;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<T> handler;
    private final HttpResponse.PushPromiseHandler<T> pushHandler;
    private final Object executor;
    /** The request's headers, with those the mesh sets. */
    private HttpHeaders headers;

    JdkTransport(MethodHandle sendAsync, Object client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                 HttpResponse.PushPromiseHandler<T> pushHandler, Object executor) {
        this.sendAsync = sendAsync;
        this.client = client;
        this.request = request;
        this.handler = handler;
        this.pushHandler = pushHandler;
        this.executor = executor;
        this.headers = request.headers();
    }

    @Override
    public String header(String name) {
        return request.headers().firstValue(name).orElse(null);
    }

    @Override
    public void setHeader(String name, String value) {
        Map<String, List<String>> set = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        set.putAll(headers.map());
        set.put(name, List.of(value));
        headers = HttpHeaders.of(set, (n, v) -> true);
    }

    @Override
    public long requestBodyBytes() {
        long length = request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
        return length < 0 ? -1 : length;
    }

    @Override
    public String responseHeader(HttpResponse<T> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The request timeout an attempt carries ends at the response head: the JDK cancels it there. */
    @Override
    public boolean boundEndsAtResponseHead() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<HttpResponse<T>> send(InetSocketAddress endpoint, long timeoutMillis,
                                                   IntPredicate deliver) {
        HttpResponse.BodyHandler<T> verdict = info -> deliver.test(info.statusCode())
                ? handler.apply(info) : HttpResponse.BodySubscribers.replacing(null);
        try {
            return (CompletableFuture<HttpResponse<T>>) sendAsync.invoke(client,
                    new AttemptRequest(request, headers, endpoint, timeoutMillis), verdict, pushHandler, executor);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The copy is one more attempt of the same request, to the mirror's endpoint, its body discarded. */
    @Override
    public boolean mirror(InetSocketAddress endpoint, long timeoutMillis, Runnable done) {
        try {
            CompletableFuture<?> copy = (CompletableFuture<?>) sendAsync.invoke(client,
                    new AttemptRequest(request, headers, endpoint, timeoutMillis), HttpResponse.BodyHandlers.discarding(), null,
                    executor);
            copy.whenComplete((response, failure) -> done.run());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public CompletableFuture<HttpResponse<T>> localReply(int status, String reason) {
        return LocalResponse.of(request, status, reason, handler);
    }

    /** How the JDK client reports each kind of failure. */
    @Override
    public FailureKind classify(Throwable failure) {
        if (failure instanceof HttpConnectTimeoutException || causedBy(failure, ConnectException.class)) {
            return FailureKind.CONNECT_FAILURE;
        }
        if (failure instanceof HttpTimeoutException) {
            return FailureKind.TIMEOUT;
        }
        return failure instanceof IOException ? FailureKind.RESET : FailureKind.OTHER;
    }

    @Override
    public IOException timeout(String message) {
        return new HttpTimeoutException(message);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}

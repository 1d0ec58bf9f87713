package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;

/**
 * One attempt of an HttpClient 5 async call is an ordinary {@code execute} with the endpoint as
 * its target, the application's request producer (sent again) and a consumer that asks the
 * mesh at the response head whether the application's consumer gets this response
 * ({@link VerdictConsumer}).
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class AsyncTransport implements AsyncHttpTransport<Object> {

    private final CloseableHttpAsyncClient client;
    private final HttpHost target;
    private final HttpRequest request;
    private final AsyncRequestProducer producer;
    private final AsyncResponseConsumer consumer;
    private final HandlerFactory<AsyncPushConsumer> pushHandlerFactory;
    private final AttemptContext attempt;
    /** The latest attempt's consumer: attempts run one after another, so the answer is the latest one's. */
    private volatile VerdictConsumer<Object> latest;

    AsyncTransport(CloseableHttpAsyncClient client, HttpHost target, HttpRequest request, AsyncRequestProducer producer,
                   AsyncResponseConsumer consumer, HandlerFactory<AsyncPushConsumer> pushHandlerFactory,
                   AttemptContext attempt) {
        this.client = client;
        this.target = target;
        this.request = request;
        this.producer = producer;
        this.consumer = consumer;
        this.pushHandlerFactory = pushHandlerFactory;
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

    /** The answer's header: the application's consumer made its result, the head is the attempt's. */
    @Override
    public String responseHeader(Object result, String name) {
        VerdictConsumer<Object> attempt = latest;
        return attempt == null ? null : attempt.header(name);
    }

    @Override
    public CompletableFuture<Object> send(InetSocketAddress endpoint, long timeoutMillis, IntPredicate deliver) {
        if (timeoutMillis > 0) {
            attempt.bound(timeoutMillis);
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        VerdictConsumer<Object> verdict = new VerdictConsumer<Object>(consumer, deliver);
        latest = verdict;
        Future<Object> exchange = client.execute(ClassicCalls.endpoint(target, request, endpoint), producer,
                verdict, pushHandlerFactory, attempt.context(),
                new FutureCallback<Object>() {
                    @Override
                    public void completed(Object result) {
                        done.complete(result);
                    }

                    @Override
                    public void failed(Exception failure) {
                        done.completeExceptionally(failure);
                    }

                    @Override
                    public void cancelled() {
                        done.cancel(false);
                    }
                });
        done.whenComplete((result, failure) -> {
            if (done.isCancelled()) {
                exchange.cancel(true);
            }
        });
        return done;
    }

    /** HttpClient's connect timeout is its own (an interruption, to the JDK's eyes). */
    @Override
    public FailureKind classify(Throwable failure) {
        if (failure instanceof ConnectTimeoutException) {
            return FailureKind.CONNECT_FAILURE;
        }
        return failure instanceof IOException io ? FailureKind.of(io) : FailureKind.OTHER;
    }

    @Override
    public IOException timeout(String message) {
        return new SocketTimeoutException(message);
    }
}

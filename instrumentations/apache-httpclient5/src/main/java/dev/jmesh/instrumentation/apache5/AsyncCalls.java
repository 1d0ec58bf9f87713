package dev.jmesh.instrumentation.apache5;

import dev.jmesh.bootstrap.HttpCall;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The hooks woven into HttpClient 5's async API. Defined by the agent in the loader that loaded
 * HttpClient; each returns {@code null} (or {@code false}) to let the client's method run as it
 * would without the mesh.
 */
public final class AsyncCalls {

    private AsyncCalls() {}

    /**
     * {@code InternalAbstractHttpAsyncClient.doExecute}: the future of a call the mesh runs, or
     * {@code null}. Only a request producer that can send its request again is run by the mesh
     * (every {@code SimpleHttpRequest} and {@code BasicRequestProducer} can): the mesh reads the
     * request from it before the first attempt.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object execute(Object client, Object target, Object requestProducer, Object responseConsumer,
                                 Object pushHandlerFactory, Object context, Object callback)
            throws IOException, HttpException {
        AsyncRequestProducer producer = (AsyncRequestProducer) requestProducer;
        if (AttemptContext.isAttempt((HttpContext) context) || !producer.isRepeatable()) {
            return null;
        }
        HttpHost host = (HttpHost) target;
        HttpRequest request = head(producer, (HttpContext) context);
        HttpCall call = request == null ? null : ClassicCalls.begin(host, request);
        if (call == null) {
            return null;
        }
        AttemptContext attempt = new AttemptContext(client, request, ClassicCalls.context(context));
        AsyncResponseConsumer consumer = (AsyncResponseConsumer) responseConsumer;
        CompletableFuture<Object> result = call.executeAsync(new AsyncTransport((CloseableHttpAsyncClient) client,
                host, request, producer, consumer, (HandlerFactory<AsyncPushConsumer>) pushHandlerFactory, attempt));
        result.whenComplete((answer, failure) -> {
            attempt.restore();
            finish((FutureCallback<Object>) callback, answer, failure);
        });
        return result;
    }

    /**
     * {@code AsyncHttpRequestRetryExec.execute}: an attempt of a mesh call goes straight on, the
     * mesh decides its retries; anything else ({@code false}) meets the client's retry strategy.
     */
    public static boolean withoutLibraryRetries(Object request, Object entityProducer, Object scope, Object chain,
                                                Object callback) throws IOException, HttpException {
        AsyncExecChain.Scope attempt = (AsyncExecChain.Scope) scope;
        if (!AttemptContext.isAttempt(attempt.clientContext)) {
            return false;
        }
        ((AsyncExecChain) chain).proceed((HttpRequest) request, (AsyncEntityProducer) entityProducer, attempt,
                (AsyncExecCallback) callback);
        return true;
    }

    /** The request the producer sends, read without sending it: a repeatable producer sends it again. */
    private static HttpRequest head(AsyncRequestProducer producer, HttpContext context) throws IOException, HttpException {
        HttpRequest[] request = new HttpRequest[1];
        RequestChannel peek = (HttpRequest r, EntityDetails details, HttpContext c) -> request[0] = r;
        producer.sendRequest(peek, context);
        return request[0];
    }

    /** What HttpClient itself tells the application at the end of a call: its callback. */
    private static void finish(FutureCallback<Object> callback, Object answer, Throwable failure) {
        if (callback == null) {
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
            callback.cancelled();
        } else if (cause != null) {
            callback.failed(cause instanceof Exception e ? e : new IOException(cause));
        } else {
            callback.completed(answer);
        }
    }
}

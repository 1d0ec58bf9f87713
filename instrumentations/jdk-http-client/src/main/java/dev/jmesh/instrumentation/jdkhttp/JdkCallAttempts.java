package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The attempts of one call, chained without blocking a thread: each attempt's completion
 * starts the next one (after its backoff, on the common delayed executor) or completes the
 * call's future.
 */
final class JdkCallAttempts<T> {

    private final MethodHandle sendAsync;
    private final Object client;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<T> handler;
    private final HttpResponse.PushPromiseHandler<T> pushHandler;
    private final Object executor;
    private final HttpCall call;
    private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    /** The attempt in flight, so that cancelling the call (or interrupting send) aborts it. */
    private volatile CompletableFuture<HttpResponse<T>> inFlight;

    JdkCallAttempts(MethodHandle sendAsync, Object client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                    HttpResponse.PushPromiseHandler<T> pushHandler, Object executor, HttpCall call) {
        this.sendAsync = sendAsync;
        this.client = client;
        this.request = request;
        this.handler = handler;
        this.pushHandler = pushHandler;
        this.executor = executor;
        this.call = call;
        result.whenComplete((response, error) -> {
            CompletableFuture<HttpResponse<T>> attempt = inFlight;
            if (result.isCancelled() && attempt != null) {
                attempt.cancel(true);
            }
        });
    }

    CompletableFuture<HttpResponse<T>> result() {
        return result;
    }

    void start() {
        if (result.isDone()) {
            call.end(); // cancelled while waiting to retry
            return;
        }
        try {
            long timeout = call.attemptTimeoutMillis();
            if (timeout == HttpCall.EXPIRED) {
                finish(null, new HttpTimeoutException(call.timeoutMessage()));
                return;
            }
            InetSocketAddress endpoint = call.nextEndpoint();
            HttpRequest attemptRequest = timeout == HttpCall.NO_TIMEOUT ? request : withTimeout(timeout);
            VerdictHandler verdict = new VerdictHandler();
            CompletableFuture<HttpResponse<T>> attempt;
            Mesh.beginAttempt(endpoint);
            try {
                attempt = send(attemptRequest, verdict);
            } finally {
                Mesh.endAttempt();
            }
            inFlight = attempt;
            attempt.whenComplete((response, error) -> attemptDone(verdict, response, error));
        } catch (IOException e) {
            finish(null, e);
        } catch (RuntimeException | Error e) {
            call.onFailure(HttpCall.OTHER);
            finish(null, e);
        }
    }

    private void attemptDone(VerdictHandler verdict, HttpResponse<T> response, Throwable error) {
        if (result.isCancelled()) {
            call.onFailure(HttpCall.OTHER);
            call.end();
            return;
        }
        if (error == null) {
            if (verdict.retryAfterNanos == HttpCall.DONE) {
                finish(response, null);
            } else {
                retry(verdict.retryAfterNanos);
            }
            return;
        }
        Throwable cause = unwrap(error);
        if (verdict.answered) {
            // The response was accepted; its body then failed: that is the application's answer.
            finish(null, cause);
            return;
        }
        long retryAfter = call.onFailure(kind(cause));
        if (retryAfter == HttpCall.DONE) {
            finish(null, cause instanceof IOException io ? call.finalFailure(io) : cause);
        } else {
            retry(retryAfter);
        }
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<HttpResponse<T>> send(HttpRequest attemptRequest, VerdictHandler verdict) {
        try {
            return (CompletableFuture<HttpResponse<T>>) sendAsync.invoke(client, attemptRequest, verdict, pushHandler, executor);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void retry(long afterNanos) {
        CompletableFuture.delayedExecutor(afterNanos, TimeUnit.NANOSECONDS).execute(this::start);
    }

    private void finish(HttpResponse<T> response, Throwable error) {
        call.end();
        if (error == null) {
            result.complete(response);
        } else {
            result.completeExceptionally(error);
        }
    }

    private HttpRequest withTimeout(long millis) {
        Duration attemptTimeout = Duration.ofMillis(millis);
        if (request.timeout().isPresent() && request.timeout().get().compareTo(attemptTimeout) <= 0) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).timeout(attemptTimeout).build();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** How the JDK client reports each kind of failure. */
    private static int kind(Throwable failure) {
        if (failure instanceof HttpConnectTimeoutException || causedBy(failure, ConnectException.class)) {
            return HttpCall.CONNECT_FAILURE;
        }
        if (failure instanceof HttpTimeoutException) {
            return HttpCall.TIMEOUT;
        }
        if (failure instanceof IOException) {
            return HttpCall.RESET;
        }
        return HttpCall.OTHER;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decides at the response head, before the body is read: a response that will be retried
     * is discarded without the application's handler ever seeing it.
     */
    private final class VerdictHandler implements HttpResponse.BodyHandler<T> {

        volatile long retryAfterNanos = HttpCall.DONE;
        volatile boolean answered;

        @Override
        public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
            long verdict = call.onResponse(info.statusCode());
            if (verdict == HttpCall.DONE) {
                answered = true;
                return handler.apply(info);
            }
            retryAfterNanos = verdict;
            return HttpResponse.BodySubscribers.replacing(null);
        }
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * The attempts of one call, chained without blocking a thread: each attempt's completion
 * starts the next one (after its backoff, on the common delayed executor) or completes the
 * call's future. Cancelling that future cancels the attempt in flight.
 */
final class AsyncAttempts<R> {

    private final MeshHttpCall call;
    private final AsyncHttpTransport<R> transport;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private volatile CompletableFuture<R> inFlight;

    private AsyncAttempts(MeshHttpCall call, AsyncHttpTransport<R> transport) {
        this.call = call;
        this.transport = transport;
        result.whenComplete((response, error) -> {
            CompletableFuture<R> attempt = inFlight;
            if (result.isCancelled() && attempt != null) {
                attempt.cancel(true);
            }
        });
    }

    static <R> CompletableFuture<R> start(MeshHttpCall call, AsyncHttpTransport<R> transport) {
        AsyncAttempts<R> attempts = new AsyncAttempts<>(call, transport);
        attempts.next();
        return attempts.result;
    }

    private void next() {
        if (result.isDone()) {
            call.end(); // cancelled while waiting to retry
            return;
        }
        try {
            long timeout = call.attemptTimeoutMillis();
            if (timeout == MeshHttpCall.EXPIRED) {
                finish(null, transport.timeout(call.timeoutMessage()));
                return;
            }
            InetSocketAddress endpoint = call.nextEndpoint();
            Verdict verdict = new Verdict();
            CompletableFuture<R> attempt = transport.send(endpoint, timeout == MeshHttpCall.NO_TIMEOUT ? 0 : timeout,
                    verdict);
            inFlight = attempt;
            attempt.whenComplete((response, error) -> attemptDone(verdict, response, error));
        } catch (IOException e) {
            finish(null, e);
        } catch (RuntimeException | Error e) {
            call.onFailure(FailureKind.OTHER);
            finish(null, e);
        }
    }

    private void attemptDone(Verdict verdict, R response, Throwable error) {
        if (result.isCancelled()) {
            call.onFailure(FailureKind.OTHER);
            call.end();
            return;
        }
        if (error == null) {
            if (verdict.asked && !verdict.delivered) {
                retry(verdict.retryAfterNanos);
            } else {
                finish(response, null);
            }
            return;
        }
        Throwable cause = unwrap(error);
        if (verdict.delivered) {
            // The response was accepted; its body then failed: that is the application's answer.
            finish(null, cause);
            return;
        }
        long retryAfter = call.onFailure(transport.classify(cause));
        if (retryAfter == MeshHttpCall.DONE) {
            finish(null, cause instanceof IOException io ? call.finalFailure(io) : cause);
        } else {
            retry(retryAfter);
        }
    }

    private void retry(long afterNanos) {
        CompletableFuture.delayedExecutor(afterNanos, TimeUnit.NANOSECONDS).execute(this::next);
    }

    private void finish(R response, Throwable error) {
        call.end();
        if (error == null) {
            result.complete(response);
        } else {
            result.completeExceptionally(error);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The mesh's decision at one attempt's response head. */
    private final class Verdict implements IntPredicate {

        volatile boolean asked;
        volatile boolean delivered;
        volatile long retryAfterNanos;

        @Override
        public boolean test(int status) {
            long verdict = call.onResponse(status);
            retryAfterNanos = verdict;
            delivered = verdict == MeshHttpCall.DONE;
            asked = true;
            return delivered;
        }
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.ServedRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The attempts of one call, chained without blocking a thread: each attempt's completion
 * starts the next one (after its backoff, on the mesh clock's timer) or completes the
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

    /** @param delayNanos an injected delay before the first attempt, 0 for none */
    static <R> CompletableFuture<R> start(MeshHttpCall call, AsyncHttpTransport<R> transport, long delayNanos) {
        AsyncAttempts<R> attempts = new AsyncAttempts<>(call, transport);
        if (delayNanos > 0) {
            call.clock().schedule(() -> {
                call.delayOver();
                attempts.next();
            }, delayNanos);
        } else {
            attempts.next();
        }
        return attempts.result;
    }

    private void next() {
        if (result.isDone()) {
            call.end(); // cancelled while waiting to retry
            return;
        }
        try {
            long timeout = call.attemptTimeoutMillis(transport.boundEndsAtResponseHead());
            if (timeout == MeshHttpCall.EXPIRED) {
                finish(null, transport.timeout(call.timeoutMessage()));
                return;
            }
            InetSocketAddress endpoint = call.nextEndpoint();
            Verdict verdict = new Verdict();
            CompletableFuture<R> attempt = transport.send(endpoint, timeout == MeshHttpCall.NO_TIMEOUT ? 0 : timeout,
                    verdict);
            inFlight = attempt;
            if (timeout != MeshHttpCall.NO_TIMEOUT) {
                // The library's own timer may be coarse (Apache's I/O reactor looks once a second):
                // an attempt with no response head by its bound ends then, whatever the library does.
                verdict.bound = call.clock().schedule(() -> abandonIfUnanswered(verdict, attempt, timeout),
                        TimeUnit.MILLISECONDS.toNanos(timeout));
            }
            attempt.whenComplete((response, error) -> attemptDone(verdict, response, error));
        } catch (IOException e) {
            finish(null, e);
        } catch (RuntimeException | Error e) {
            call.onFailure(FailureKind.OTHER);
            finish(null, e);
        }
    }

    private void abandonIfUnanswered(Verdict verdict, CompletableFuture<R> attempt, long timeoutMillis) {
        if (verdict.abandon()) {
            attempt.cancel(true);
            handle(verdict, null, transport.timeout(call.attemptTimeoutMessage(timeoutMillis)));
        }
    }

    private void attemptDone(Verdict verdict, R response, Throwable error) {
        MeshClock.Timer bound = verdict.bound;
        if (bound != null) {
            bound.cancel();
        }
        if (verdict.completed()) {
            handle(verdict, response, error);
        }
    }

    private void handle(Verdict verdict, R response, Throwable error) {
        if (result.isCancelled()) {
            call.onFailure(FailureKind.OTHER);
            call.end();
            return;
        }
        if (error == null) {
            if (verdict.answered() && !verdict.delivered) {
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
        if (afterNanos <= 0) {
            next();
        } else {
            call.clock().schedule(this::next, afterNanos);
        }
    }

    private void finish(R response, Throwable error) {
        if (response != null) {
            call.answered(transport.responseHeader(response, ServedRequest.PEER_HEADER),
                    transport.responseHeader(response, "content-length"));
        }
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

    /**
     * The mesh's decision at one attempt's response head, and who ends the attempt: its
     * response head, its completion, or the timer that abandons it. Exactly one of them reports
     * it to the call, so the call is never told of one attempt twice, nor from two threads.
     */
    private final class Verdict implements IntPredicate {

        private static final int PENDING = 0;
        private static final int ANSWERED = 1;
        private static final int ENDED = 2;
        private static final int ABANDONED = 3;

        private final AtomicInteger state = new AtomicInteger(PENDING);
        /** The timer that abandons the attempt at its bound; null without one. */
        volatile MeshClock.Timer bound;
        volatile boolean delivered;
        volatile long retryAfterNanos;

        @Override
        public boolean test(int status) {
            if (!state.compareAndSet(PENDING, ANSWERED)) {
                return false; // abandoned: its body is discarded, nobody waits for it
            }
            long verdict = call.onResponse(status);
            retryAfterNanos = verdict;
            delivered = verdict == MeshHttpCall.DONE;
            return delivered;
        }

        boolean answered() {
            return state.get() == ANSWERED;
        }

        /** Takes the attempt over from its bound's timer; false once it was answered or ended. */
        boolean abandon() {
            return state.compareAndSet(PENDING, ABANDONED);
        }

        /** The attempt's future completed: whether that is the attempt's end to report (not abandoned). */
        boolean completed() {
            return state.get() == ANSWERED || state.compareAndSet(PENDING, ENDED);
        }
    }
}

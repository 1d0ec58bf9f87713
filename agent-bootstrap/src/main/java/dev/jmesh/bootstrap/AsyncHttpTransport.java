package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * {@link HttpTransport} for a client whose calls complete a future: no thread waits for an
 * attempt, nor between attempts. See {@link HttpCall#executeAsync}.
 *
 * @param <R> the library's response
 */
public interface AsyncHttpTransport<R> extends ApplicationRequest {

    /**
     * Sends one attempt to {@code endpoint}, keeping the logical name as {@code Host}.
     *
     * @param timeoutMillis the bound on this attempt, 0 for none
     * @param deliver       asked with the status at the response head, before the body is read:
     *                      {@code true} gives this response to the application, {@code false}
     *                      means the mesh will retry, so its body is to be discarded
     * @return the attempt's response (whatever it completes with after a {@code false} is ignored)
     */
    CompletableFuture<R> send(InetSocketAddress endpoint, long timeoutMillis, IntPredicate deliver);

    /**
     * Whether {@code send}'s bound ends when the response head arrives (as the JDK client's
     * request timeout does). Only then does the mesh bound an attempt the policy leaves
     * unbounded, to fail over from a silent host: a bound that becomes a read timeout would also
     * cut off a body the application reads slowly.
     */
    default boolean boundEndsAtResponseHead() {
        return false;
    }

    /** The first value of the response's header {@code name} (any case), or {@code null}. */
    default String responseHeader(R response, String name) {
        return null;
    }

    /** What kind of failure the library reported ({@code CompletionException}s already unwrapped). */
    FailureKind classify(Throwable failure);

    /** As {@link HttpTransport#localReply}: the mesh's own response, or the call failed with {@code reason}. */
    default CompletableFuture<R> localReply(int status, String reason) {
        return CompletableFuture.failedFuture(new IOException(reason));
    }

    /** The library's own timeout exception, for a call whose deadline passed. */
    IOException timeout(String message);
}

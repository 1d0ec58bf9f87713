package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * What a client adapter does for the mesh, for a client whose calls block their thread: one
 * attempt of the application's request, sent with the adapter's library to the endpoint the
 * mesh chose. Everything between attempts (which endpoint, how long, whether to retry, how long
 * to wait, what to report) is the mesh's: see {@link HttpCall#execute}.
 *
 * @param <R> the library's response
 */
public interface HttpTransport<R> extends ApplicationRequest {

    /**
     * Sends one attempt to {@code endpoint}, keeping the logical name as {@code Host}.
     *
     * @param timeoutMillis the bound on this attempt (connect and each read), 0 for none
     * @return the response, its head read and its body not yet
     */
    R send(InetSocketAddress endpoint, long timeoutMillis) throws IOException;

    /** The response's status code. */
    int status(R response);

    /** The first value of the response's header {@code name} (any case), or {@code null}. */
    default String responseHeader(R response, String name) {
        return null;
    }

    /** Releases a response the mesh retries instead of giving it to the application; never throws. */
    void discard(R response);

    /**
     * Whether {@code send}'s bound ends when the response head arrives (as the JDK client's
     * request timeout does). Only then does the mesh bound an attempt the policy leaves
     * unbounded, to fail over from a silent host: a bound that becomes a read timeout would also
     * cut off a body the application reads slowly.
     */
    default boolean boundEndsAtResponseHead() {
        return false;
    }

    /** What kind of failure the library reported; most libraries need no more than {@link FailureKind#of}. */
    FailureKind classify(IOException failure);

    /**
     * The response the mesh itself gives the application instead of sending the request (a
     * fault abort, a rate limit): {@code status} with an empty body, as the library would have
     * read it from a server. A library that cannot make one fails the call with {@code reason}.
     */
    default R localReply(int status, String reason) throws IOException {
        throw new IOException(reason);
    }

    /** The library's own timeout exception, for a call whose deadline passed: a socket timeout, for most. */
    default IOException timeout(String message) {
        return new SocketTimeoutException(message);
    }
}

package dev.jmesh.bootstrap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

/**
 * How one attempt failed, as a client adapter reads its library's exception. The mesh decides
 * from the kind alone whether the request may have reached the server and whether the
 * service's {@code retryOn} covers it.
 */
public enum FailureKind {

    /** The connection could not be made: nothing was sent. */
    CONNECT_FAILURE,
    /** HTTP/2 REFUSED_STREAM: the server did not process the request. */
    REFUSED_STREAM,
    /** The connection broke after the request may have been sent. */
    RESET,
    /** The attempt timed out after the request may have been sent. */
    TIMEOUT,
    /** Anything else, a cancelled call included: never retried. */
    OTHER;

    /**
     * How the JDK's own exceptions read, which every client library throws or extends: a
     * refused connect or a connect timeout ({@code "Connect timed out"}) sent nothing; a read
     * timeout may have; any other interruption is a cancelled call. Adapters check their
     * library's own exceptions first.
     */
    public static FailureKind of(IOException failure) {
        if (failure instanceof ConnectException || (failure instanceof SocketTimeoutException
                && String.valueOf(failure.getMessage()).regionMatches(true, 0, "connect", 0, 7))) {
            return CONNECT_FAILURE;
        }
        if (failure instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        return failure instanceof InterruptedIOException ? OTHER : RESET;
    }
}

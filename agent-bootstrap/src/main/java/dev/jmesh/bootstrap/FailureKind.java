package dev.jmesh.bootstrap;

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
    OTHER
}

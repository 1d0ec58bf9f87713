package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One application request to a mesh service, as a client adapter drives it: the mesh decides
 * (endpoint, timeout, retry or not, wait), the adapter performs each attempt with its library.
 *
 * <pre>
 * HttpCall call = Mesh.beginHttp(...);            // null: not a mesh service, pass through
 * try {
 *   for (;;) {
 *     long timeout = call.attemptTimeoutMillis(); // EXPIRED: throw the library's timeout
 *     InetSocketAddress endpoint = call.nextEndpoint();
 *     ... one attempt ...
 *     long verdict = call.onResponse(status)       // or call.onFailure(kind)
 *     if (verdict == DONE) return / throw;         // else wait verdict nanoseconds, go again
 *   }
 * } finally { call.end(); }
 * </pre>
 *
 * Not thread-safe: one attempt at a time, driven by one logical thread of control.
 */
public interface HttpCall {

    /** Verdict: hand this response or failure to the application. */
    long DONE = -1;
    /** {@link #attemptTimeoutMillis()}: no bound on the attempt. */
    long NO_TIMEOUT = -1;
    /** {@link #attemptTimeoutMillis()}: the call's deadline has passed. */
    long EXPIRED = 0;

    /** The connection could not be made; nothing was sent. */
    int CONNECT_FAILURE = 1;
    /** HTTP/2 REFUSED_STREAM: the server did not process the request. */
    int REFUSED_STREAM = 2;
    /** The connection broke after the request may have been sent. */
    int RESET = 3;
    /** The attempt timed out after the request may have been sent. */
    int TIMEOUT = 4;
    /** Anything else, e.g. a cancelled call: never retried. */
    int OTHER = 5;

    /** The request header the service hashes on, or {@code null}; see {@link #hashKey}. */
    String hashHeader();

    /** Supplies the value of {@link #hashHeader()} ({@code null} when absent). */
    void hashKey(String headerValue);

    /** The bound for the next attempt in milliseconds, {@link #NO_TIMEOUT} or {@link #EXPIRED}. */
    long attemptTimeoutMillis();

    /**
     * Starts the next attempt.
     *
     * @return where to send it
     * @throws IOException when the mesh cannot serve the call; the message names the service
     *     and the reason (breaker open, no healthy endpoint)
     */
    InetSocketAddress nextEndpoint() throws IOException;

    /** The attempt got a response with this status; {@link #DONE} or nanoseconds to wait before the next. */
    long onResponse(int status);

    /** The attempt failed ({@link #CONNECT_FAILURE} ...); {@link #DONE} or nanoseconds to wait before the next. */
    long onFailure(int kind);

    /** The failure to give the application after the last attempt failed with {@code last}. */
    IOException finalFailure(IOException last);

    /** Why the call's deadline passed, for the library's timeout exception. */
    String timeoutMessage();

    /** Releases what the call held; exactly once. */
    void end();
}

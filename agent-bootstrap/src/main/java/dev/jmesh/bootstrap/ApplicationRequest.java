package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;

/**
 * The application's request, as every client adapter offers it to the mesh: its headers, and
 * a copy of it for mirroring.
 */
public interface ApplicationRequest extends RequestHeaders {

    /**
     * Sets header {@code name} on every attempt of the request, before the first is sent: the
     * mesh's own metadata for the destination's metrics. A library that cannot add a header
     * sends none; the destination then counts the caller as unknown.
     */
    default void setHeader(String name, String value) {}

    /** The request body's size in bytes, -1 when unknown: its {@code Content-Length}, unless the library knows better. */
    default long requestBodyBytes() {
        return contentLength(header("content-length"));
    }

    /** A {@code Content-Length} value as a size, -1 for none or a malformed one. */
    static long contentLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(value.trim());
            return length >= 0 ? length : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Sends a copy of the request to {@code endpoint}, fire and forget, with the library's own
     * client, never blocking this thread; its answer is discarded. {@code done} runs once when
     * the copy has ended, however it ended.
     *
     * @return false when this library cannot copy a request ({@code done} is then not run)
     */
    default boolean mirror(InetSocketAddress endpoint, long timeoutMillis, Runnable done) {
        return false;
    }
}

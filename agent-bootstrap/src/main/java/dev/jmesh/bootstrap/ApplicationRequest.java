package dev.jmesh.bootstrap;

import java.net.InetSocketAddress;

/**
 * The application's request, as every client adapter offers it to the mesh: its headers, and
 * a copy of it for mirroring.
 */
public interface ApplicationRequest extends RequestHeaders {

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

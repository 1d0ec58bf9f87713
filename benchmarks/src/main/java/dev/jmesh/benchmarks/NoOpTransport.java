package dev.jmesh.benchmarks;

import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpTransport;
import dev.jmesh.bootstrap.RequestHeaders;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An attempt that answers 200 at once, for a request with these headers: its response is the
 * endpoint it was sent to. What is left of a call is the mesh's own work.
 */
record NoOpTransport(RequestHeaders headers) implements HttpTransport<InetSocketAddress> {

    /** A request without headers. */
    static final NoOpTransport NO_HEADERS = new NoOpTransport(name -> null);

    @Override
    public String header(String name) {
        return headers.header(name);
    }

    @Override
    public InetSocketAddress send(InetSocketAddress endpoint, long timeoutMillis) {
        return endpoint;
    }

    @Override
    public int status(InetSocketAddress response) {
        return 200;
    }

    @Override
    public void discard(InetSocketAddress response) {}

    @Override
    public FailureKind classify(IOException failure) {
        return FailureKind.OTHER;
    }
}

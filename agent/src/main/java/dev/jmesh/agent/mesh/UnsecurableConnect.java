package dev.jmesh.agent.mesh;

import dev.jmesh.bootstrap.TcpConnect;
import dev.jmesh.bootstrap.TlsOrigination;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;

/**
 * A connect to a service that requires mutual TLS, made where the mesh cannot add it (a
 * {@code SocketChannel}, which the application reads and writes directly): refused, so that
 * nothing goes out in plaintext.
 */
record UnsecurableConnect(String service) implements TcpConnect {

    @Override
    public InetSocketAddress nextEndpoint() throws IOException {
        throw new ConnectException("jmesh: " + service + ": requires mutual TLS, which the mesh adds to Socket"
                + " connections but cannot add to a SocketChannel; not connected");
    }

    @Override
    public int attemptTimeoutMillis() {
        return 0;
    }

    @Override
    public void connected(Object connection) {
    }

    @Override
    public void pending(Object connection) {
    }

    @Override
    public void failed(IOException error) {
    }

    @Override
    public IOException exhausted() {
        return new ConnectException("jmesh: " + service + ": not connected");
    }

    @Override
    public IOException cannotConnect(String fault) {
        return exhausted();
    }

    @Override
    public TlsOrigination tls() {
        return null;
    }
}

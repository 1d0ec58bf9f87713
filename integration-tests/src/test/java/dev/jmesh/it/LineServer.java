package dev.jmesh.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server on loopback that greets every connection with one line, {@code NAME}, and closes it. */
final class LineServer implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();

    private LineServer(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serve, "line-server-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static LineServer named(String name) throws IOException {
        return new LineServer(name);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                accepted.incrementAndGet();
                OutputStream out = connection.getOutputStream();
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away: serve the next one
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

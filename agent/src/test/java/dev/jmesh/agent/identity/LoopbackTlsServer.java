package dev.jmesh.agent.identity;

import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS echo server on a free loopback port: each connection sends one byte and gets it back.
 * What the server saw of each connection (the client's SPIFFE ID, or the failure) is queued.
 */
final class LoopbackTlsServer implements AutoCloseable {

    /** The server's view of one connection. */
    record Seen(Optional<SpiffeId> client, Throwable error) {}

    /** The client's view: who the server was, by ID and certificate serial. */
    record Reply(Optional<SpiffeId> server, X509Certificate serverCertificate, String protocol) {}

    private static final int TIMEOUT_MILLIS = 5_000;

    private final SSLServerSocket serverSocket;
    private final Thread acceptor;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    LoopbackTlsServer(SSLContext context) throws IOException {
        serverSocket = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "loopback-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    SSLServerSocket socket() {
        return serverSocket;
    }

    /** One call from a client context, optionally restricted to {@code protocols}; throws what the client saw fail. */
    Reply call(SSLContext client, String... protocols) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress().getHostAddress(), serverSocket.getLocalPort())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            socket.startHandshake();
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() != 42) {
                throw new IOException("no echo: the server closed the connection");
            }
            return new Reply(PeerIdentity.of(socket.getSession()),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0], socket.getSession().getProtocol());
        }
    }

    /** The server's view of the next connection. */
    Seen nextSeen() throws InterruptedException {
        Seen next = seen.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("the server saw no connection");
        }
        return next;
    }

    private void serve() {
        while (!serverSocket.isClosed()) {
            try (SSLSocket socket = (SSLSocket) serverSocket.accept()) {
                socket.setSoTimeout(TIMEOUT_MILLIS);
                try {
                    socket.startHandshake();
                    InputStream in = socket.getInputStream();
                    int b = in.read();
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    seen.add(new Seen(PeerIdentity.of(socket.getSession()), null));
                } catch (IOException e) {
                    seen.add(new Seen(Optional.empty(), e));
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        serverSocket.close();
        acceptor.join(TIMEOUT_MILLIS);
    }
}

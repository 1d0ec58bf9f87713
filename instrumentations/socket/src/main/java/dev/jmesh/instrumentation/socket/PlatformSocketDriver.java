package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.SocketDriver;
import dev.jmesh.bootstrap.TcpConnect;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.instrumentation.api.JdkPrivateAccess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * Connects a {@link Socket} for the mesh with fail-over inside one {@code connect} call.
 *
 * <p>The JDK closes a socket's implementation when its connect fails (JDK 25 closes the whole
 * socket), so an attempt cannot be repeated on it. Instead each attempt connects a fresh
 * platform implementation, as {@code ServerSocket.accept} makes one per accepted connection,
 * with the options the application already set copied over; the first that connects is
 * installed in the application's socket, exactly as {@code accept} installs its own. A socket
 * the application bound to a local address first keeps its implementation: it gets one
 * attempt, without fail-over.
 *
 * <p>When the service requires mutual TLS, each connected attempt is secured before it counts
 * (a failed handshake fails over like a failed connect), and the application's socket gets a
 * {@link TlsSocketImpl}: it keeps speaking plaintext to its own {@code Socket}.
 *
 * <p>A blocking {@code SocketChannel} fails over the same way: each attempt connects a fresh
 * channel, and the first that connects trades sockets with the application's channel
 * ({@link ChannelInternals}). A non-blocking channel's connect finishes in the application's
 * own {@code finishConnect}, on the descriptor its selector watches, so it gets one attempt,
 * reported to outlier detection.
 */
public final class PlatformSocketDriver implements SocketDriver {

    private final JdkInternals<SocketInternals> sockets;
    private final JdkInternals<ChannelInternals> channels;

    /**
     * @param log           where to say, once, that this JDK's sockets or channels cannot be driven
     * @param privateAccess to {@code java.net}, {@code java.io} and {@code sun.nio.ch}, granted by
     *                      the agent's tooling to the agent alone
     */
    public PlatformSocketDriver(Consumer<String> log, JdkPrivateAccess privateAccess) {
        this.sockets = new JdkInternals<>("sockets to tcp services connect without fail-over", log) {
            @Override
            SocketInternals find() throws ReflectiveOperationException {
                return SocketInternals.from(privateAccess.apply(Socket.class));
            }
        };
        this.channels = new JdkInternals<>("blocking socket channels to tcp services connect without fail-over", log) {
            @Override
            ChannelInternals find() throws ReflectiveOperationException {
                return ChannelInternals.from(privateAccess);
            }
        };
    }

    @Override
    public boolean ready() {
        return sockets.get() != null;
    }

    @Override
    public boolean drivesChannels() {
        return channels.get() != null;
    }

    @Override
    public void connect(Socket socket, TcpConnect connect) throws IOException {
        SocketInternals jdk = sockets.get();
        SocketImpl original = jdk.impl(socket);
        boolean created = jdk.created(socket);
        boolean bound = socket.isBound();
        TlsOrigination tls = connect.tls();
        IOException failure;
        try {
            if (bound && tls != null) {
                throw new SocketException("jmesh: a socket bound to a local address before connecting cannot be"
                        + " secured with mutual TLS by the mesh; not connected");
            }
            InetSocketAddress endpoint;
            while ((endpoint = connect.nextEndpoint()) != null) {
                int timeout = connect.attemptTimeoutMillis();
                if (bound) {
                    if (attempt(jdk, original, endpoint, timeout, connect)) {
                        jdk.markConnected(socket);
                        connect.connected(socket);
                        jdk.countBytes(socket, connect.bytes());
                        return;
                    }
                    break; // the failed connect closed the socket's own implementation
                }
                SocketImpl fresh = jdk.newImpl();
                try {
                    jdk.create(fresh);
                    if (created) {
                        jdk.copyOptions(original, fresh);
                    }
                } catch (IOException | RuntimeException e) {
                    jdk.closeQuietly(fresh);
                    throw new IllegalStateException("cannot make a socket to connect with", e); // the JDK connects instead
                }
                if (!attempt(jdk, fresh, endpoint, timeout, connect)) {
                    continue;
                }
                try {
                    SocketImpl connected = tls == null ? fresh : secure(jdk, fresh, endpoint, timeout, connect);
                    if (connected != null) {
                        jdk.install(socket, connected, original, created);
                        connect.connected(socket);
                        jdk.countBytes(socket, connect.bytes());
                        return;
                    }
                } catch (RuntimeException | Error e) {
                    jdk.closeQuietly(fresh); // connected, but never handed over
                    throw e;
                }
            }
            failure = connect.exhausted();
        } catch (IOException noEndpoint) {
            failure = noEndpoint;
        }
        try {
            socket.close(); // as the JDK leaves a socket whose connect failed
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        throw failure;
    }

    @Override
    public void connect(SocketChannel channel, TcpConnect connect) throws IOException {
        ChannelInternals jdk = channels.get();
        IOException failure;
        jdk.lock(channel);
        try {
            InetSocketAddress endpoint;
            while ((endpoint = connect.nextEndpoint()) != null) {
                SocketChannel fresh = jdk.freshLike(channel);
                try {
                    jdk.blockingConnect(fresh, endpoint, connect.attemptTimeoutMillis() * 1_000_000L);
                } catch (ClosedByInterruptException interrupted) {
                    throw interrupted; // the JDK's own answer to an interrupt: the channel closes (below)
                } catch (IOException e) {
                    connect.failed(e); // the JDK closed the fresh channel
                    continue;
                }
                boolean exchanged = jdk.exchange(channel, fresh);
                closeQuietly(fresh); // the application's unconnected socket, or the connection nobody wants now
                if (!exchanged) {
                    throw new AsynchronousCloseException();
                }
                connect.connected(channel);
                return;
            }
            failure = connect.exhausted();
        } catch (IOException e) {
            failure = e;
        } finally {
            jdk.unlock(channel);
        }
        try {
            channel.close(); // as the JDK leaves a channel whose connect failed
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        throw failure;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing of the application's is lost: this channel is the mesh's own
        }
    }

    /** Mutual TLS over the connected {@code plain}; null (the attempt failed) when the handshake fails. */
    private static SocketImpl secure(SocketInternals jdk, SocketImpl plain, InetSocketAddress endpoint, int timeout,
                                     TcpConnect connect) {
        try {
            SSLSocket secured = connect.tls().secure(jdk.socketOver(plain), timeout);
            return new TlsSocketImpl(secured, endpoint);
        } catch (IOException e) {
            jdk.closeQuietly(plain);
            connect.failed(e);
            return null;
        }
    }

    private static boolean attempt(SocketInternals jdk, SocketImpl impl, InetSocketAddress endpoint, int timeout,
                                   TcpConnect connect) {
        try {
            jdk.connect(impl, endpoint, timeout);
            return true;
        } catch (IOException e) {
            jdk.closeQuietly(impl);
            connect.failed(e);
            return false;
        }
    }
}

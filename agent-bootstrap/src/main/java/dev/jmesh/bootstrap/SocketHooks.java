package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * What code woven into the JDK's {@code Socket} and {@code SocketChannel} calls, for services of
 * protocol {@code tcp} (routed per connection, below every client library) and for endpoints
 * the mesh secures: a {@code Socket} or blocking channel connect is made by the agent's
 * driver, which fails over between endpoints; a non-blocking channel connect goes to an
 * endpoint and its outcome is reported. Fails open, except that a connection the policy
 * requires mutual TLS for is never made without it.
 */
public final class SocketHooks {

    private static volatile SocketDriver driver;
    /** The mesh connect a {@code SocketChannel} connect on this thread has begun, until it returns. */
    private static final ThreadLocal<TcpConnect> CHANNEL_CONNECT = new ThreadLocal<>();

    private SocketHooks() {}

    /** Installs the driver that connects sockets for the mesh; called once by the agent. */
    public static void install(SocketDriver driver) {
        SocketHooks.driver = driver;
    }

    /**
     * Connects {@code socket} for the mesh when {@code target} names a tcp service.
     *
     * @return {@code true} when the socket is now connected; {@code false} to let the JDK
     *         connect it as asked (not a mesh service, no agent, or the agent cannot)
     * @throws IOException the connect failure the application gets, every attempt having failed
     */
    public static boolean connectSocket(Socket socket, SocketAddress target, int timeoutMillis) throws IOException {
        Router current = Mesh.router();
        SocketDriver connector = driver;
        if (current == null || connector == null || !(target instanceof InetSocketAddress address)
                || socket.isClosed() || socket.isConnected()) {
            return false; // the JDK reports a closed or connected socket as it always does
        }
        TcpConnect connect;
        boolean ready;
        try {
            ready = connector.ready();
            connect = current.beginTcpConnect(address, timeoutMillis, true);
            if (connect == null) {
                return false;
            }
        } catch (Throwable t) {
            return false;
        }
        String fault;
        try {
            if (ready) {
                connector.connect(socket, connect);
                return true;
            }
            fault = "sockets cannot be driven on this JDK";
        } catch (RuntimeException | LinkageError e) {
            fault = e.toString();
        }
        return cannotConnect(connect, fault);
    }

    /** The agent could not connect: the mesh decides, failing closed where it must secure the connection. */
    private static boolean cannotConnect(TcpConnect connect, String fault) throws IOException {
        IOException refused = connect.cannotConnect(fault);
        if (refused != null) {
            throw refused;
        }
        return false; // the JDK connects as asked
    }

    /**
     * Connects a blocking {@code SocketChannel} (its {@code connect}) for the mesh when
     * {@code target} names a tcp service, failing over as a socket does.
     *
     * @return {@code true} when the channel is now connected; {@code false} to let the JDK
     *         connect it, to an endpoint {@link #beginChannelConnect} chooses
     * @throws IOException the connect failure the application gets, every attempt having failed
     */
    public static boolean connectChannel(Object channel, SocketAddress target) throws IOException {
        return connectChannel(channel, target, 0);
    }

    /** As {@link #connectChannel(Object, SocketAddress)}, for the socket adaptor's connect with its timeout (0 = none). */
    public static boolean connectChannel(Object channel, SocketAddress target, long timeoutNanos) throws IOException {
        Router current = Mesh.router();
        SocketDriver connector = driver;
        if (current == null || connector == null || !(target instanceof InetSocketAddress address)
                || !(channel instanceof SocketChannel blocking)) {
            return false;
        }
        TcpConnect connect;
        try {
            // Non-blocking, bound (one attempt, from its own address), closed or connected: the JDK's to handle.
            if (!blocking.isBlocking() || !blocking.isOpen() || blocking.isConnected()
                    || blocking.isConnectionPending() || blocking.getLocalAddress() != null
                    || !connector.drivesChannels()) {
                return false;
            }
            int timeoutMillis = timeoutNanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE,
                    Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
            connect = current.beginTcpConnect(address, timeoutMillis, false);
            if (connect == null) {
                return false;
            }
        } catch (Throwable t) {
            return false;
        }
        try {
            connector.connect(blocking, connect);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return cannotConnect(connect, e.toString());
        }
    }

    /**
     * Where a {@code SocketChannel} connect to {@code target} goes: an endpoint of the tcp
     * service it names, else {@code target}. The connect's outcome is reported by one of
     * {@link #channelConnectReturned}, {@link #channelConnected} or {@link #channelConnectFailed}
     * on the same thread.
     *
     * @throws IOException when the service has no endpoint in rotation
     */
    public static SocketAddress beginChannelConnect(SocketAddress target) throws IOException {
        Router current = Mesh.router();
        CHANNEL_CONNECT.remove();
        if (current == null || !(target instanceof InetSocketAddress address)) {
            return target;
        }
        TcpConnect connect;
        try {
            connect = current.beginTcpConnect(address, 0, false);
            if (connect == null) {
                return target;
            }
        } catch (Throwable t) {
            return target;
        }
        InetSocketAddress endpoint;
        try {
            endpoint = connect.nextEndpoint();
        } catch (RuntimeException | LinkageError e) {
            return target;
        }
        if (endpoint == null) {
            return target;
        }
        CHANNEL_CONNECT.set(connect);
        return endpoint;
    }

    /** A channel's {@code connect} returned: connected, or pending (non-blocking) until {@code finishConnect}. */
    public static boolean channelConnectReturned(boolean connected, Object channel) {
        TcpConnect connect = takeChannelConnect();
        if (connect != null) {
            try {
                if (connected) {
                    connect.connected(channel);
                } else {
                    connect.pending(channel);
                }
            } catch (Throwable t) {
                // bookkeeping only: the application's connect has its own outcome
            }
        }
        return connected;
    }

    /** A channel's {@code blockingConnect} returned, connected. */
    public static void channelConnected(Object channel) {
        channelConnectReturned(true, channel);
    }

    /** A channel's connect threw {@code error}. */
    public static void channelConnectFailed(Throwable error, Object channel) {
        TcpConnect connect = takeChannelConnect();
        if (connect != null && error instanceof IOException failure) {
            try {
                connect.failed(failure);
            } catch (Throwable t) {
                // bookkeeping only
            }
        }
    }

    private static TcpConnect takeChannelConnect() {
        TcpConnect connect = CHANNEL_CONNECT.get();
        if (connect != null) {
            CHANNEL_CONNECT.remove();
        }
        return connect;
    }

    /** A channel's {@code finishConnect} returned; reported for mesh connections left pending. */
    public static boolean channelConnectFinished(boolean connected, Object channel) {
        if (connected) {
            finished(channel, null);
        }
        return connected;
    }

    /** A channel's {@code finishConnect} threw {@code error}. */
    public static void channelFinishFailed(Throwable error, Object channel) {
        finished(channel, error instanceof IOException failure ? failure : new IOException(error));
    }

    private static void finished(Object channel, IOException error) {
        Router current = Mesh.router();
        if (current == null) {
            return;
        }
        try {
            current.tcpConnectFinished(channel, error);
        } catch (Throwable t) {
            // bookkeeping only
        }
    }

    /** A socket or channel was closed. */
    public static void closed(Object connection) {
        Router current = Mesh.router();
        if (current == null) {
            return;
        }
        try {
            current.tcpClosed(connection);
        } catch (Throwable t) {
            // bookkeeping only
        }
    }

}

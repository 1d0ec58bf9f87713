package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Opens a {@link Socket}'s or a blocking {@link SocketChannel}'s connection for the mesh,
 * failing over between endpoints within one {@code connect} call. Implemented next to the
 * socket instrumentation.
 */
public interface SocketDriver {

    /** Whether the driver can connect sockets on this JDK (it prepares itself at the first call). */
    boolean ready();

    /**
     * Connects {@code socket} as {@code connect} directs; returns once connected.
     *
     * @throws IOException the failure the application gets when no attempt succeeded; the
     *                     socket is then closed, as the JDK closes it after a failed connect
     */
    void connect(Socket socket, TcpConnect connect) throws IOException;

    /** Whether the driver can connect blocking {@code SocketChannel}s on this JDK (it prepares itself at the first call). */
    boolean drivesChannels();

    /**
     * Connects the blocking, unbound {@code channel} as {@code connect} directs; returns once connected.
     *
     * @throws IOException the failure the application gets when no attempt succeeded; the
     *                     channel is then closed, as the JDK closes it after a failed connect
     */
    void connect(SocketChannel channel, TcpConnect connect) throws IOException;
}

package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.Socket;

/**
 * Opens a {@link Socket}'s connection for the mesh, failing over between endpoints within
 * one {@code connect} call. Implemented next to the socket instrumentation.
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
}

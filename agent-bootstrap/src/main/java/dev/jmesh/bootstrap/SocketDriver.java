package dev.jmesh.bootstrap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.Socket;

/**
 * Opens a {@link Socket}'s connection for the mesh, failing over between endpoints within
 * one {@code connect} call. Implemented next to the socket instrumentation, whose advice
 * supplies a lookup with private access to {@code java.net}.
 */
public interface SocketDriver {

    /** Whether the driver still needs a lookup in {@code java.net.Socket}. */
    boolean needsLookup();

    /**
     * Whether the driver can connect sockets on this JDK.
     *
     * @param lookup a lookup in {@code java.net.Socket} while {@link #needsLookup()}, else {@code null}
     */
    boolean ready(MethodHandles.Lookup lookup);

    /**
     * Connects {@code socket} as {@code connect} directs; returns once connected.
     *
     * @throws IOException the failure the application gets when no attempt succeeded; the
     *                     socket is then closed, as the JDK closes it after a failed connect
     */
    void connect(Socket socket, TcpConnect connect) throws IOException;
}

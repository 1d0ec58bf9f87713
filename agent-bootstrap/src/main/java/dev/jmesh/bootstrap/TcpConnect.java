package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One TCP connection being opened to a mesh service, as a socket adapter drives it: the mesh
 * picks each endpoint and bounds each attempt; the adapter connects with the JDK's own code.
 *
 * <pre>
 * TcpConnect connect = router.beginTcpConnect(target, callerTimeoutMillis, canSecure); // null: pass through
 * for (InetSocketAddress endpoint; (endpoint = connect.nextEndpoint()) != null; ) {
 *   int timeout = connect.attemptTimeoutMillis();
 *   try { ...connect to endpoint, then secure it if connect.tls() says so...; connect.connected(socket); return; }
 *   catch (IOException e) { connect.failed(e); }
 * }
 * throw connect.exhausted();
 * </pre>
 *
 * An adapter that cannot fail over (a non-blocking channel) makes one attempt and reports it,
 * possibly later through {@link Router#tcpConnectFinished}. Not thread-safe.
 */
public interface TcpConnect {

    /**
     * The endpoint for the next attempt, a different one each time, or {@code null} when no
     * attempt is left (attempts used up, every endpoint tried, or the deadline passed).
     *
     * @throws IOException when the service has no endpoint in rotation at all
     */
    InetSocketAddress nextEndpoint() throws IOException;

    /** Bound on the attempt about to start, in milliseconds, at least 1; 0 = none. */
    int attemptTimeoutMillis();

    /** The attempt succeeded; {@code connection} (a socket or channel) is now open to its endpoint. */
    void connected(Object connection);

    /**
     * Where the bytes of the connection just {@link #connected} are counted as the application
     * writes and reads them; {@code null}: not counted.
     */
    default ByteCount bytes() {
        return null;
    }

    /** The attempt is under way without blocking; its outcome comes through {@link Router#tcpConnectFinished}. */
    void pending(Object connection);

    /** The attempt failed. */
    void failed(IOException error);

    /** What the application gets once {@link #nextEndpoint()} has returned {@code null}. */
    IOException exhausted();

    /** The mutual TLS each attempt's connection gets before it counts as connected; {@code null} for plaintext. */
    TlsOrigination tls();

    /**
     * The adapter cannot make the connection ({@code fault}: an agent fault, a JDK it cannot
     * drive). The failure the application gets when the connection must not be made without
     * the mesh (its mutual TLS), or {@code null} to let the JDK connect as asked.
     */
    IOException cannotConnect(String fault);
}

package dev.jmesh.it.app.servers;

/**
 * One HTTP server library serving {@link Endpoints}, for the served-requests conformance suite:
 * {@code ServerApp jdk PORT}, {@code ServerApp jetty PORT}, and so on.
 */
public interface ServedServer {

    /** Listens on {@code port} on loopback; returns once it accepts connections. */
    void start(int port) throws Exception;

    void stop() throws Exception;
}

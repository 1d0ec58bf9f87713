package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Mutual TLS the mesh adds to a connection the application makes in plaintext: this
 * workload's certificate is presented, and the server is verified against the SPIFFE ID the
 * policy expects rather than a host name. A policy that requires it fails closed: when the
 * identity cannot be loaded, these methods throw instead of letting plaintext through.
 */
public interface TlsOrigination {

    /**
     * The context for a client that runs its own TLS engine (the JDK HttpClient).
     *
     * @throws IllegalStateException when this workload's identity is not available
     */
    SSLContext context();

    /** Parameters for such an engine: TLS 1.3 and 1.2, no host-name check (the peer's SPIFFE ID is checked). */
    SSLParameters parameters(SSLParameters defaults);

    /**
     * Layers mutual TLS over {@code connected} and completes the handshake.
     *
     * @param timeoutMillis bound on the handshake; 0 = none
     * @throws IOException when the handshake fails or the identity is not available
     */
    SSLSocket secure(Socket connected, int timeoutMillis) throws IOException;
}

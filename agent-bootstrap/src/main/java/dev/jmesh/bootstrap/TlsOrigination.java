package dev.jmesh.bootstrap;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS the mesh adds to a connection the application makes in plaintext: mutual TLS (this
 * workload's certificate presented, the server verified against the SPIFFE ID the policy
 * expects rather than a host name), or simple TLS to a service outside the mesh (the server
 * verified by host name, as HTTPS does). A policy that requires it fails closed: when the
 * identity or the trusted roots cannot be loaded, these methods throw instead of letting
 * plaintext through.
 */
public interface TlsOrigination {

    /**
     * The context for a client that runs its own TLS engine (the JDK HttpClient).
     *
     * @throws IllegalStateException when this workload's identity (or the trusted roots) is not available
     */
    SSLContext context();

    /** Parameters for such an engine: TLS 1.3 and 1.2, and the check the mode makes of the server. */
    SSLParameters parameters(SSLParameters defaults);

    /**
     * Layers TLS over {@code connected} and completes the handshake.
     *
     * @param timeoutMillis bound on the handshake; 0 = none
     * @throws IOException when the handshake fails or the identity is not available
     */
    SSLSocket secure(Socket connected, int timeoutMillis) throws IOException;
}

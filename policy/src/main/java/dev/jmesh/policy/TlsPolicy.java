package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS the mesh adds to calls to a service the application makes in plaintext.
 *
 * <ul>
 *   <li>{@link Mode#MUTUAL}: this workload's certificate is presented and the server must prove
 *       {@code serverIdentity} (a SPIFFE ID): for services inside the mesh.
 *   <li>{@link Mode#SIMPLE}: no client certificate; the server is verified as HTTPS verifies it,
 *       by its host name ({@code sni}, or the service's name) against {@code caCertificates} or
 *       the JDK's trusted roots: for services outside the mesh.
 * </ul>
 *
 * @param serverIdentity the SPIFFE ID the endpoints must present (mutual), else null
 * @param sni            the name sent in SNI and verified (simple), or null for the service's name
 * @param caCertificates PEM CA certificates to trust (simple), or null for the JDK's
 */
public record TlsPolicy(Mode mode, String serverIdentity, String sni, Path caCertificates) {

    public enum Mode { MUTUAL, SIMPLE }

    public TlsPolicy {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.MUTUAL) != (serverIdentity != null)) {
            throw new IllegalArgumentException("serverIdentity goes with mode mutual, and only with it");
        }
        if (mode == Mode.MUTUAL && (sni != null || caCertificates != null)) {
            throw new IllegalArgumentException("sni and caCertificates go with mode simple");
        }
    }

    public static TlsPolicy mutual(String serverIdentity) {
        return new TlsPolicy(Mode.MUTUAL, serverIdentity, null, null);
    }

    public static TlsPolicy simple(String sni, Path caCertificates) {
        return new TlsPolicy(Mode.SIMPLE, null, sni, caCertificates);
    }
}

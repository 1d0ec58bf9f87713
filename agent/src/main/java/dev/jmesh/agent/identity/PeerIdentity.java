package dev.jmesh.agent.identity;

import dev.jmesh.policy.SpiffeId;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The SPIFFE ID a TLS peer authenticated with, for logs, metrics and forwarded-client-cert headers. */
public final class PeerIdentity {

    private PeerIdentity() {}

    /** Empty when the session has no verified peer certificate or it carries no SPIFFE ID. */
    public static Optional<SpiffeId> of(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] certificates;
        try {
            certificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        return certificates.length > 0 && certificates[0] instanceof X509Certificate leaf
                ? SpiffeId.fromCertificate(leaf)
                : Optional.empty();
    }
}

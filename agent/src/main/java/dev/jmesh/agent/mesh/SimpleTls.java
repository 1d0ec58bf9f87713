package dev.jmesh.agent.mesh;

import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to a service outside the mesh ({@code tls: {mode: simple}}): no client certificate; the
 * server is verified as HTTPS verifies it, its certificate chain against {@code caCertificates}
 * (or the JDK's trusted roots) and its host name against one name, sent in SNI too: {@code sni},
 * else the service's own name. So a service named after the host it stands for
 * ({@code http://api.example.com/} called in plaintext) needs no {@code sni}, and the Host the
 * application sends is the name the server's certificate is for. A CA file that cannot be read
 * fails every connection, naming why: the policy asked for TLS.
 */
final class SimpleTls extends OriginatedTls {

    private final String service;
    /** The name sent in SNI and verified. */
    private final String serverName;
    private final Path caCertificates;
    private volatile SSLContext context;

    /**
     * @param sni            the name to send and verify, or null for the service's name
     * @param caCertificates PEM CA certificates to trust, or null for the JDK's
     */
    SimpleTls(String service, String sni, Path caCertificates) {
        this.service = service;
        this.serverName = sni != null ? sni : service;
        this.caCertificates = caCertificates;
    }

    @Override
    public SSLContext context() {
        SSLContext built = context;
        if (built == null) {
            built = build();
            context = built;
        }
        return built;
    }

    private SSLContext build() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caCertificates == null) {
                trust.init((KeyStore) null); // the JDK's cacerts
            } else {
                KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
                roots.load(null, null);
                List<X509Certificate> cas = Pem.readCertificates(caCertificates);
                for (int i = 0; i < cas.size(); i++) {
                    roots.setCertificateEntry("ca-" + i, cas.get(i));
                }
                trust.init(roots);
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (IdentityException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("jmesh: " + service + ": tls mode simple: cannot trust "
                    + (caCertificates == null ? "the JDK's roots" : caCertificates) + ": " + e.getMessage(), e);
        }
    }

    /** Host-name verification as HTTPS does it, of the name asked for in SNI (the JDK checks that name first). */
    @Override
    public SSLParameters parameters(SSLParameters defaults) {
        SSLParameters parameters = protocols(defaults);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        return parameters;
    }

    @Override
    String serverName() {
        return serverName;
    }
}

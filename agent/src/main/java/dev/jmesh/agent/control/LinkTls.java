package dev.jmesh.agent.control;

import dev.jmesh.agent.identity.IdentityMaterial;
import dev.jmesh.agent.identity.SpiffeTrustManager;
import dev.jmesh.agent.mesh.MeshSecurity;
import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The control link's TLS, made at each connect: the replica must present the control plane's
 * SPIFFE ID ({@link CertificateAuthority#CONTROL_PLANE_PATH}) of a trust domain whose CA is in
 * {@code control.trustBundle} or in this workload's own trust bundle (which follows a CA
 * rotation); and this workload presents its certificate once it holds one, so that a replica
 * renews it on the strength of the certificate itself.
 */
final class LinkTls {

    private LinkTls() {}

    static Supplier<SSLSocketFactory> of(Path trustBundle, MeshSecurity security) {
        return () -> {
            try {
                List<X509Certificate> bundle = new ArrayList<>(Pem.readCertificates(trustBundle));
                IdentityMaterial own = security.tls() == null ? null : security.tls().identity().current();
                if (own != null) {
                    Set<X509Certificate> all = new LinkedHashSet<>(bundle);
                    all.addAll(own.trustBundle());
                    bundle = new ArrayList<>(all);
                }
                KeyManager[] keys = security.tls() == null ? null
                        : new KeyManager[] {security.tls().identity().keyManager()};
                SSLContext context = SSLContext.getInstance("TLSv1.3");
                context.init(keys, new X509ExtendedTrustManager[] {new ReplicaTrust(List.copyOf(bundle))}, null);
                return context.getSocketFactory();
            } catch (IdentityException | GeneralSecurityException e) {
                throw new IllegalStateException("control.trustBundle: " + e.getMessage(), e);
            }
        };
    }

    /** A replica's certificate: chained to the bundle, naming the control plane of one of its trust domains. */
    private static final class ReplicaTrust extends X509ExtendedTrustManager {
        private final List<X509Certificate> bundle;

        ReplicaTrust(List<X509Certificate> bundle) {
            this.bundle = bundle;
        }

        private void verify(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("jmesh: the control plane sent no certificate");
            }
            Optional<SpiffeId> id = SpiffeId.fromCertificate(chain[0]);
            String who = id.map(SpiffeId::toString).orElse(chain[0].getSubjectX500Principal().getName());
            SpiffeTrustManager.checkChain(chain, bundle, "control plane", who);
            boolean expected = id.isPresent() && bundle.stream()
                    .map(SpiffeId::fromCertificate).flatMap(Optional::stream)
                    .anyMatch(ca -> CertificateAuthority.controlPlaneId(ca.trustDomain()).equals(id.get()));
            if (!expected) {
                throw new CertificateException("jmesh: " + who + " is not the control plane of the trust bundle's"
                        + " trust domains (" + CertificateAuthority.CONTROL_PLANE_PATH + ")");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("jmesh: the link's client side verifies no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return bundle.toArray(new X509Certificate[0]);
        }
    }
}

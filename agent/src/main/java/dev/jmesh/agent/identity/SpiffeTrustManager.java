package dev.jmesh.agent.identity;

import dev.jmesh.policy.SpiffeId;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a mesh peer: its chain must lead to the current trust bundle (PKIX, validity
 * checked), and its certificate's SPIFFE ID must be the one expected — by a client, exactly the
 * service's {@code serverIdentity} (instead of host name verification); by a server, one of the
 * {@code allow} list, or any workload of this trust domain when the list is empty. Refusals are
 * {@link CertificateException}s saying which rule failed for which identity.
 *
 * <p>The trust anchors are read from the {@link WorkloadIdentity} at every handshake, so a
 * rotated bundle applies at once. Host name and {@code authType} are deliberately ignored.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private final WorkloadIdentity identity;
    private final boolean verifiesServers;
    private final SpiffeId serverIdentity;
    private final Set<SpiffeId> allow;

    private SpiffeTrustManager(WorkloadIdentity identity, boolean verifiesServers, SpiffeId serverIdentity,
            Set<SpiffeId> allow) {
        this.identity = identity;
        this.verifiesServers = verifiesServers;
        this.serverIdentity = serverIdentity;
        this.allow = allow;
    }

    /** For a client: the server must present exactly {@code serverIdentity}. */
    public static SpiffeTrustManager forClient(WorkloadIdentity identity, SpiffeId serverIdentity) {
        return new SpiffeTrustManager(identity, true, Objects.requireNonNull(serverIdentity), Set.of());
    }

    /** For a server: the client's ID must be in {@code allow}; empty allows any workload of this trust domain. */
    public static SpiffeTrustManager forServer(WorkloadIdentity identity, Set<SpiffeId> allow) {
        return new SpiffeTrustManager(identity, false, null, Set.copyOf(allow));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, false);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, false);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, false);
    }

    /** The CAs a server names in its certificate request: the current trust bundle. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        IdentityMaterial material = identity.current();
        return material == null ? new X509Certificate[0] : material.trustBundle().toArray(new X509Certificate[0]);
    }

    private void verify(X509Certificate[] chain, boolean peerIsServer) throws CertificateException {
        if (peerIsServer != verifiesServers) {
            throw new CertificateException("jmesh: this trust manager verifies "
                    + (verifiesServers ? "servers" : "clients") + ", not " + (peerIsServer ? "servers" : "clients"));
        }
        String role = peerIsServer ? "server" : "client";
        if (chain == null || chain.length == 0) {
            throw new CertificateException("jmesh: the " + role + " sent no certificate");
        }
        IdentityMaterial material = identity.current();
        if (material == null) {
            throw new CertificateException("jmesh: this workload's certificate is not issued yet: no trust bundle to"
                    + " verify the " + role + " against");
        }
        X509Certificate leaf = chain[0];
        Optional<SpiffeId> id = SpiffeId.fromCertificate(leaf);
        String who = id.map(SpiffeId::toString).orElse(leaf.getSubjectX500Principal().getName());
        checkChain(chain, material, role, who);
        checkKeyUsage(leaf, peerIsServer ? SERVER_AUTH : CLIENT_AUTH, role, who);
        SpiffeId peer = id.orElseThrow(() -> new CertificateException(
                "jmesh: the " + role + " certificate (" + who + ") has no single SPIFFE ID URI SAN"));
        if (peerIsServer) {
            if (!peer.equals(serverIdentity)) {
                throw new CertificateException("jmesh: server identity " + peer + " is not the expected "
                        + serverIdentity);
            }
        } else if (allow.isEmpty()) {
            String trustDomain = material.spiffeId().trustDomain();
            if (!peer.trustDomain().equals(trustDomain)) {
                throw new CertificateException("jmesh: client " + peer + " is not of trust domain " + trustDomain);
            }
        } else if (!allow.contains(peer)) {
            throw new CertificateException("jmesh: client " + peer + " is not allowed; allowed: "
                    + new TreeSet<>(allow.stream().map(SpiffeId::toString).toList()));
        }
    }

    /** The leaf is within its validity and the chain leads to {@code material}'s trust bundle (PKIX). */
    static void checkChain(X509Certificate[] chain, IdentityMaterial material, String role, String who)
            throws CertificateException {
        checkValidity(chain[0], role, who);
        checkPath(chain, material.trustBundle(), material.trustAnchors(), role, who);
    }

    /** The leaf is within its validity and the chain leads to one of {@code bundle}'s CAs (PKIX). */
    public static void checkChain(X509Certificate[] chain, List<X509Certificate> bundle, String role, String who)
            throws CertificateException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : bundle) {
            anchors.add(new TrustAnchor(ca, null));
        }
        checkValidity(chain[0], role, who);
        checkPath(chain, bundle, anchors, role, who);
    }

    private static void checkValidity(X509Certificate leaf, String role, String who) throws CertificateException {
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertificateException("jmesh: the " + role + " certificate of " + who + " expired at "
                    + leaf.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateException("jmesh: the " + role + " certificate of " + who + " is not valid before "
                    + leaf.getNotBefore().toInstant(), e);
        }
    }

    private static void checkPath(X509Certificate[] chain, List<X509Certificate> bundle, Set<TrustAnchor> anchors,
                                  String role, String who) throws CertificateException {
        // The path given to PKIX ends below the anchor: drop trust-bundle certificates a peer appended.
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (path.size() > 1 && bundle.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false); // mesh certificates are short-lived; no CRL or OCSP to ask
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (CertPathValidatorException e) {
            throw new CertificateException("jmesh: the " + role + " certificate of " + who
                    + " is not trusted: it does not chain to the trust bundle ("
                    + e.getReason() + ": " + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("jmesh: cannot verify the " + role + " certificate of " + who + ": " + e, e);
        }
    }

    private static void checkKeyUsage(X509Certificate leaf, String purpose, String role, String who)
            throws CertificateException {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertificateException("jmesh: the " + role + " certificate of " + who
                    + " has a malformed extendedKeyUsage", e);
        }
        if (usages != null && !usages.contains(purpose) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new CertificateException("jmesh: the " + role + " certificate of " + who
                    + " may not be used for TLS " + role + " authentication (extendedKeyUsage " + usages + ")");
        }
    }
}

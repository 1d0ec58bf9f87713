package dev.jmesh.agent.identity;

import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.IssuedIdentity;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One consistent, immutable set of identity material: the workload's certificate chain, the
 * private key that belongs to its leaf, and the trust anchors peers are checked against.
 * Built only when all of it is usable, so a snapshot in use is never half of a rotation.
 */
public final class IdentityMaterial {

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<X509Certificate> trustBundle;
    private final Set<TrustAnchor> trustAnchors;
    private final SpiffeId spiffeId;

    private IdentityMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trustBundle,
            SpiffeId spiffeId) {
        this.chain = chain;
        this.key = key;
        this.trustBundle = trustBundle;
        this.spiffeId = spiffeId;
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate ca : trustBundle) {
            anchors.add(new TrustAnchor(ca, null));
        }
        this.trustAnchors = Set.copyOf(anchors);
    }

    /** A certificate just issued, checked as the files it would be written to are. */
    public static IdentityMaterial of(IssuedIdentity issued) throws IdentityException {
        return of(issued.chain(), issued.key(), issued.trustBundle());
    }

    /**
     * Checks and combines material: a non-empty chain whose leaf carries one workload SPIFFE ID,
     * a key that signs what the leaf's public key verifies, a non-empty trust bundle.
     */
    public static IdentityMaterial of(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trustBundle)
            throws IdentityException {
        if (chain.isEmpty()) {
            throw new IdentityException("certificate chain is empty");
        }
        if (trustBundle.isEmpty()) {
            throw new IdentityException("trust bundle is empty");
        }
        X509Certificate leaf = chain.get(0);
        SpiffeId id = SpiffeId.fromCertificate(leaf).orElseThrow(() -> new IdentityException(
                "certificate " + leaf.getSubjectX500Principal() + " has no single SPIFFE ID URI SAN (has "
                        + SpiffeId.uriSans(leaf) + ")"));
        if (id.isTrustDomainId()) {
            throw new IdentityException("certificate carries the trust domain's own ID " + id
                    + ", not a workload's (is it the CA certificate?)");
        }
        if (!keyMatches(key, leaf)) {
            throw new IdentityException("private key does not belong to the certificate of " + id);
        }
        return new IdentityMaterial(List.copyOf(chain), key, List.copyOf(trustBundle), id);
    }

    /** Reads and checks the three files; the exception names the file at fault. */
    public static IdentityMaterial read(IdentityFiles files) throws IdentityException {
        return parse(files, Pem.read(files.certificate()), Pem.read(files.key()), Pem.read(files.trustBundle()));
    }

    static IdentityMaterial parse(IdentityFiles files, byte[] certificate, byte[] key, byte[] trustBundle)
            throws IdentityException {
        List<X509Certificate> chain = Pem.parseCertificates(files.certificate().toString(), certificate);
        PrivateKey privateKey = Pem.parsePrivateKey(files.key().toString(), key);
        List<X509Certificate> bundle = Pem.parseCertificates(files.trustBundle().toString(), trustBundle);
        try {
            return of(chain, privateKey, bundle);
        } catch (IdentityException e) {
            throw new IdentityException(files.certificate() + " / " + files.key() + ": " + e.getMessage(), e);
        }
    }

    /** Leaf first, as a TLS peer is sent it. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public PrivateKey key() {
        return key;
    }

    public List<X509Certificate> trustBundle() {
        return trustBundle;
    }

    public Set<TrustAnchor> trustAnchors() {
        return trustAnchors;
    }

    /** The SPIFFE ID of this workload's certificate. */
    public SpiffeId spiffeId() {
        return spiffeId;
    }

    /** Signs a random challenge and verifies it with the certificate's key: a real match, any algorithm. */
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}

package dev.jmesh.pki;

import dev.jmesh.pki.CertificateBuilder.Profile;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A trust domain's certificate authority on one machine: a self-signed EC P-256 CA whose
 * subject alternative name is the trust domain's own SPIFFE ID ({@code spiffe://example.org}),
 * so the certificate alone says which trust domain it issues for. Stored as {@code ca.pem} and
 * {@code ca-key.pem} (PKCS#8, 0600) in a 0700 directory.
 */
public final class CertificateAuthority {

    public static final String CERTIFICATE_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    /** The path of the identity control-plane replicas prove on the link, in their CA's trust domain. */
    public static final String CONTROL_PLANE_PATH = "/ns/jmesh-system/sa/jmesh-control";
    /** Issued certificates start a little in the past: peers' clocks are not exactly ours. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String trustDomain;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, String trustDomain) {
        this.certificate = certificate;
        this.key = key;
        this.trustDomain = trustDomain;
    }

    /** A new CA for {@code trustDomain}, valid from now for {@code validity}. */
    public static CertificateAuthority create(String trustDomain, Duration validity) {
        SpiffeId id = SpiffeId.trustDomainId(trustDomain);
        KeyPair keys = CertificateBuilder.newKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = new CertificateBuilder(Profile.CERTIFICATE_AUTHORITY, keys.getPublic())
                .subject("jmesh", "jmesh CA " + trustDomain)
                .validity(now.minus(CLOCK_SKEW), now.plus(validity))
                .uri(id.toString())
                .selfSign(keys.getPrivate());
        return new CertificateAuthority(certificate, keys.getPrivate(), trustDomain);
    }

    /** Reads {@code ca.pem} and {@code ca-key.pem} from {@code directory}. */
    public static CertificateAuthority load(Path directory) throws IdentityException {
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        List<X509Certificate> certificates = Pem.readCertificates(certificateFile);
        if (certificates.size() != 1) {
            throw new IdentityException(certificateFile + ": expected one CA certificate, found " + certificates.size());
        }
        X509Certificate certificate = certificates.get(0);
        SpiffeId id = SpiffeId.fromCertificate(certificate)
                .filter(SpiffeId::isTrustDomainId)
                .orElseThrow(() -> new IdentityException(certificateFile
                        + ": not a jmesh CA: no trust domain SPIFFE ID (spiffe://DOMAIN) in its subject alternative name"));
        PrivateKey key = Pem.readPrivateKey(directory.resolve(KEY_FILE));
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IdentityException(directory.resolve(KEY_FILE) + ": the CA key must be EC, not " + key.getAlgorithm());
        }
        return new CertificateAuthority(certificate, key, id.trustDomain());
    }

    /** Writes the CA into {@code directory} (made 0700); refuses to overwrite an existing CA. */
    public void save(Path directory) throws IOException {
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        if (Files.exists(certificateFile) || Files.exists(keyFile)) {
            throw new IOException(directory + " already holds a CA (" + CERTIFICATE_FILE + " or " + KEY_FILE
                    + "); refusing to overwrite it");
        }
        SecureFiles.ownerOnlyDirectory(directory);
        SecureFiles.write(keyFile, Pem.encodePrivateKey(key), true);
        SecureFiles.write(certificateFile, Pem.encodeCertificates(List.of(certificate)), false);
    }

    /** The SPIFFE ID control-plane replicas of {@code trustDomain} prove on the link. */
    public static SpiffeId controlPlaneId(String trustDomain) {
        return SpiffeId.parse(SpiffeId.SCHEME + trustDomain + CONTROL_PLANE_PATH);
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A workload certificate for {@code namespace}/{@code workload}, valid from now for {@code validity}. */
    public IssuedIdentity issue(String namespace, String workload, Duration validity) {
        Instant now = Instant.now();
        return issue(SpiffeId.workload(trustDomain, namespace, workload), now.minus(CLOCK_SKEW), now.plus(validity));
    }

    /** A workload certificate for {@code id} with exactly this validity (which may lie in the past). */
    public IssuedIdentity issue(SpiffeId id, Instant notBefore, Instant notAfter) {
        KeyPair keys = CertificateBuilder.newKeyPair();
        X509Certificate leaf = sign(id, keys.getPublic(), notBefore, notAfter);
        return new IssuedIdentity(List.of(leaf, certificate), keys.getPrivate(), List.of(certificate));
    }

    /** A workload certificate for {@code id} and a key its holder keeps (a certificate request's). */
    public X509Certificate sign(SpiffeId id, PublicKey subjectKey, Instant notBefore, Instant notAfter) {
        if (!id.trustDomain().equals(trustDomain)) {
            throw new IllegalArgumentException(id + " is not of this CA's trust domain " + trustDomain);
        }
        String[] segments = id.path().split("/");
        return new CertificateBuilder(Profile.WORKLOAD, subjectKey)
                .subject("jmesh " + trustDomain, segments[segments.length - 1])
                .validity(notBefore, notAfter)
                .uri(id.toString())
                .sign(certificate, key);
    }
}

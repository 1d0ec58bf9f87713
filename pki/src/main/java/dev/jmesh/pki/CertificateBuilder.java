package dev.jmesh.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes X.509 v3 certificates (RFC 5280) for a mesh: EC P-256 keys signed with
 * SHA256withECDSA, either a certificate authority or a workload certificate whose subject
 * alternative name is its SPIFFE ID. Plain JCA and {@link Der}: no {@code sun.security}
 * internals, which differ between JDK releases.
 */
public final class CertificateBuilder {

    /** What a certificate may be used for; decides basicConstraints, keyUsage and extendedKeyUsage. */
    public enum Profile { CERTIFICATE_AUTHORITY, WORKLOAD }

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_URI = 6;
    private static final int KEY_ID_BYTES = 20;
    private static final int SERIAL_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Profile profile;
    private final PublicKey subjectKey;
    private String commonName = "jmesh";
    private String organization = "jmesh";
    private Instant notBefore;
    private Instant notAfter;
    private final List<String> uris = new ArrayList<>();

    public CertificateBuilder(Profile profile, PublicKey subjectKey) {
        this.profile = profile;
        this.subjectKey = subjectKey;
    }

    /** A fresh EC P-256 key pair, the only kind this builder signs with. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    public CertificateBuilder subject(String organization, String commonName) {
        this.organization = organization;
        this.commonName = commonName;
        return this;
    }

    public CertificateBuilder validity(Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    /** Adds a URI subject alternative name, such as a SPIFFE ID. */
    public CertificateBuilder uri(String uri) {
        uris.add(uri);
        return this;
    }

    /** Self-signed: the subject key's own private key signs. */
    public X509Certificate selfSign(PrivateKey subjectPrivateKey) {
        byte[] name = name(organization, commonName);
        return sign(name, subjectPrivateKey, keyIdentifier(subjectKey));
    }

    /** Signed by an issuing authority whose certificate and EC private key are given. */
    public X509Certificate sign(X509Certificate issuer, PrivateKey issuerKey) {
        byte[] issuerKeyId = DerReader.subjectKeyIdentifier(issuer);
        return sign(issuer.getSubjectX500Principal().getEncoded(), issuerKey,
                issuerKeyId != null ? issuerKeyId : keyIdentifier(issuer.getPublicKey()));
    }

    private X509Certificate sign(byte[] issuerName, PrivateKey issuerKey, byte[] issuerKeyId) {
        if (notBefore == null) {
            throw new IllegalStateException("validity not set");
        }
        if (!"EC".equals(issuerKey.getAlgorithm())) {
            throw new IllegalArgumentException("the issuing key must be EC, not " + issuerKey.getAlgorithm());
        }
        byte[] signatureAlgorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)), // v3
                Der.integer(serialNumber()),
                signatureAlgorithm,
                issuerName,
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                name(organization, commonName),
                subjectKey.getEncoded(), // SubjectPublicKeyInfo, already DER
                Der.explicit(3, extensions(issuerKeyId)));
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(issuerKey);
            signer.update(tbs);
            byte[] certificate = Der.sequence(tbs, signatureAlgorithm, Der.bitString(signer.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign certificate: " + e.getMessage(), e);
        }
    }

    private byte[] extensions(byte[] issuerKeyId) {
        List<byte[]> extensions = new ArrayList<>();
        boolean ca = profile == Profile.CERTIFICATE_AUTHORITY;
        // CA: may sign workload certificates but no further authorities (pathLenConstraint 0).
        extensions.add(extension(BASIC_CONSTRAINTS, true,
                ca ? Der.sequence(Der.bool(true), Der.integer(0)) : Der.sequence()));
        // KeyUsage bits: 0 digitalSignature, 5 keyCertSign, 6 cRLSign.
        extensions.add(extension(KEY_USAGE, true, ca
                ? Der.namedBits(false, false, false, false, false, true, true)
                : Der.namedBits(true)));
        if (!ca) {
            extensions.add(extension(EXTENDED_KEY_USAGE, false,
                    Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))));
        }
        if (!uris.isEmpty()) {
            byte[][] names = uris.stream()
                    .map(uri -> Der.implicitPrimitive(SAN_URI, uri.getBytes(StandardCharsets.US_ASCII)))
                    .toArray(byte[][]::new);
            extensions.add(extension(SUBJECT_ALT_NAME, false, Der.sequence(names)));
        }
        extensions.add(extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(subjectKey))));
        extensions.add(extension(AUTHORITY_KEY_IDENTIFIER, false,
                Der.sequence(Der.implicitPrimitive(0, issuerKeyId))));
        return Der.sequence(extensions.toArray(byte[][]::new));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    private static byte[] name(String organization, String commonName) {
        return Der.sequence(
                Der.setOfOne(Der.sequence(Der.oid(ORGANIZATION), Der.utf8String(organization))),
                Der.setOfOne(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
    }

    /** RFC 5280 allows any unique value: the first 160 bits of SHA-256 over the SubjectPublicKeyInfo. */
    static byte[] keyIdentifier(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Arrays.copyOf(digest, KEY_ID_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Positive, non-zero, at most 20 octets (RFC 5280 4.1.2.2); random, so never reused. */
    private static BigInteger serialNumber() {
        byte[] bytes = new byte[SERIAL_BYTES];
        RANDOM.nextBytes(bytes);
        bytes[0] = (byte) ((bytes[0] & 0x7f) | 0x40);
        return new BigInteger(bytes);
    }
}

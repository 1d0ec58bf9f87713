package dev.jmesh.pki;

import dev.jmesh.policy.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PKCS#10 certificate request (RFC 2986) for one SPIFFE ID: an EC P-256 public key and the
 * ID as its only URI subject alternative name, signed by the key it names — so whoever sends it
 * holds the private key, which never leaves the agent. What {@code openssl req} writes, and reads.
 *
 * @param publicKey the key to certify
 * @param identity  the one SPIFFE ID asked for
 */
public record CertificateRequest(PublicKey publicKey, SpiffeId identity) {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final int SAN_URI = 0x86;

    /** The request for {@code id}, signed with {@code keys}' private half, as PEM. */
    public static String create(KeyPair keys, SpiffeId id) {
        byte[] san = Der.sequence(Der.implicitPrimitive(6, id.toString().getBytes(StandardCharsets.US_ASCII)));
        byte[] extensions = Der.sequence(Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octetString(san)));
        byte[] attribute = Der.sequence(Der.oid(EXTENSION_REQUEST), Der.setOfOne(extensions));
        String[] segments = id.path().split("/");
        byte[] info = Der.sequence(
                Der.integer(0),
                Der.sequence(Der.setOfOne(Der.sequence(Der.oid(COMMON_NAME),
                        Der.utf8String(segments[segments.length - 1])))),
                keys.getPublic().getEncoded(),
                Der.explicit(0, attribute)); // [0] IMPLICIT SET OF Attribute, with one attribute
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(info);
            byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
            return Pem.encodeCertificateRequest(Der.sequence(info, algorithm, Der.bitString(signer.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a PEM request, checks that its key signed it and that it asks for exactly one SPIFFE ID.
     *
     * @throws IdentityException naming what is wrong
     */
    public static CertificateRequest parse(String pem) throws IdentityException {
        byte[] der = Pem.parseCertificateRequest(pem.getBytes(StandardCharsets.US_ASCII));
        try {
            List<DerReader.Element> request = DerReader.whole(der).expect(DerReader.SEQUENCE, "request").children();
            if (request.size() != 3) {
                throw new IllegalArgumentException("a request has three parts");
            }
            DerReader.Element info = request.get(0).expect(DerReader.SEQUENCE, "request info");
            List<DerReader.Element> fields = info.children();
            if (fields.size() != 4 || fields.get(3).tag() != 0xa0) {
                throw new IllegalArgumentException("request info: version, subject, key and attributes expected");
            }
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(fields.get(2).encoded()));
            byte[] algorithm = request.get(1).expect(DerReader.SEQUENCE, "signature algorithm").encoded();
            if (!Arrays.equals(algorithm, Der.sequence(Der.oid(ECDSA_WITH_SHA256)))) {
                throw new IllegalArgumentException("not signed with ECDSA and SHA-256");
            }
            byte[] signatureBits = request.get(2).expect(DerReader.BIT_STRING, "signature").content();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(info.encoded());
            if (signatureBits.length < 2 || signatureBits[0] != 0
                    || !verifier.verify(Arrays.copyOfRange(signatureBits, 1, signatureBits.length))) {
                throw new IllegalArgumentException("its signature does not verify with the key it names");
            }
            List<String> uris = requestedUris(fields.get(3));
            if (uris.size() != 1) {
                throw new IllegalArgumentException("asks for " + uris.size() + " URI names, not one SPIFFE ID");
            }
            return new CertificateRequest(key, SpiffeId.parse(uris.get(0)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IdentityException("certificate request refused: " + e.getMessage(), e);
        }
    }

    /** The URIs of the subjectAltName extension the attributes ask for. */
    private static List<String> requestedUris(DerReader.Element attributes) {
        List<String> uris = new ArrayList<>();
        for (DerReader.Element attribute : attributes.children()) {
            List<DerReader.Element> parts = attribute.expect(DerReader.SEQUENCE, "attribute").children();
            if (parts.size() != 2 || !Arrays.equals(parts.get(0).encoded(), Der.oid(EXTENSION_REQUEST))) {
                continue;
            }
            for (DerReader.Element extensions : parts.get(1).expect(DerReader.SET, "attribute values").children()) {
                for (DerReader.Element extension : extensions.expect(DerReader.SEQUENCE, "extensions").children()) {
                    List<DerReader.Element> ext = extension.children();
                    if (!Arrays.equals(ext.get(0).encoded(), Der.oid(SUBJECT_ALT_NAME))) {
                        continue;
                    }
                    byte[] names = ext.get(ext.size() - 1).expect(DerReader.OCTET_STRING, "extension value").content();
                    for (DerReader.Element name : DerReader.whole(names).expect(DerReader.SEQUENCE, "names").children()) {
                        if (name.tag() == SAN_URI) {
                            uris.add(new String(name.content(), StandardCharsets.US_ASCII));
                        }
                    }
                }
            }
        }
        return uris;
    }
}

package dev.jmesh.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM (RFC 7468) for identity files: certificate chains and bundles ({@code CERTIFICATE}
 * blocks) and unencrypted PKCS#8 private keys ({@code PRIVATE KEY}, EC or RSA). Strict: every
 * block must be complete and of the expected type; text between blocks is allowed, as the RFC says.
 */
public final class Pem {

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";
    private static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA"};
    private static final int LINE = 64;

    private Pem() {}

    /** The certificates of a chain or bundle file, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws IdentityException {
        return parseCertificates(file.toString(), read(file));
    }

    /** As {@link #readCertificates(Path)}, for content already read; {@code source} names it in errors. */
    public static List<X509Certificate> parseCertificates(String source, byte[] content) throws IdentityException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = certificateFactory();
        for (byte[] der : blocks(source, content, CERTIFICATE)) {
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException e) {
                throw new IdentityException(source + ": certificate " + (certificates.size() + 1)
                        + " does not parse: " + e.getMessage(), e);
            }
        }
        return List.copyOf(certificates);
    }

    /** The one unencrypted PKCS#8 private key of a file, EC or RSA. */
    public static PrivateKey readPrivateKey(Path file) throws IdentityException {
        return parsePrivateKey(file.toString(), read(file));
    }

    /** As {@link #readPrivateKey(Path)}, for content already read; {@code source} names it in errors. */
    public static PrivateKey parsePrivateKey(String source, byte[] content) throws IdentityException {
        List<byte[]> blocks = blocks(source, content, PRIVATE_KEY);
        if (blocks.size() != 1) {
            throw new IdentityException(source + ": expected one PRIVATE KEY block, found " + blocks.size());
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(blocks.get(0));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new IdentityException(source + ": PRIVATE KEY is not a PKCS#8 EC or RSA key");
    }

    public static String encodeCertificates(List<X509Certificate> certificates) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                text.append(encode(CERTIFICATE, certificate.getEncoded()));
            } catch (CertificateException e) {
                throw new IllegalStateException("certificate cannot be encoded", e);
            }
        }
        return text.toString();
    }

    public static String encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("key is not PKCS#8 encodable: " + key.getFormat());
        }
        return encode(PRIVATE_KEY, key.getEncoded());
    }

    public static String encodeCertificateRequest(byte[] der) {
        return encode(CERTIFICATE_REQUEST, der);
    }

    /** The DER of the one {@code CERTIFICATE REQUEST} block of {@code content}. */
    public static byte[] parseCertificateRequest(byte[] content) throws IdentityException {
        List<byte[]> blocks = blocks("certificate request", content, CERTIFICATE_REQUEST);
        if (blocks.size() != 1) {
            throw new IdentityException("certificate request: expected one block, found " + blocks.size());
        }
        return blocks.get(0);
    }

    private static String encode(String type, byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        StringBuilder text = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < base64.length(); i += LINE) {
            text.append(base64, i, Math.min(base64.length(), i + LINE)).append('\n');
        }
        return text.append("-----END ").append(type).append("-----\n").toString();
    }

    /** The whole file; identity files are small. */
    public static byte[] read(Path file) throws IdentityException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IdentityException(file + ": cannot read: " + e, e);
        }
    }

    private static List<byte[]> blocks(String source, byte[] content, String expectedType) throws IdentityException {
        String text = new String(content, StandardCharsets.US_ASCII);
        List<byte[]> blocks = new ArrayList<>();
        Matcher begin = BEGIN.matcher(text);
        int from = 0;
        while (begin.find(from)) {
            String type = begin.group(1);
            if (!type.equals(expectedType)) {
                throw new IdentityException(source + ": found a '" + type + "' block where " + expectedType
                        + " was expected" + hint(type));
            }
            String end = "-----END " + type + "-----";
            int endAt = text.indexOf(end, begin.end());
            if (endAt < 0) {
                throw new IdentityException(source + ": " + type + " block " + (blocks.size() + 1)
                        + " has no END line (file truncated or still being written?)");
            }
            String body = text.substring(begin.end(), endAt).replaceAll("\\s+", "");
            try {
                blocks.add(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException e) {
                throw new IdentityException(source + ": " + type + " block " + (blocks.size() + 1)
                        + " is not valid base64: " + e.getMessage(), e);
            }
            from = endAt + end.length();
        }
        if (blocks.isEmpty()) {
            throw new IdentityException(source + ": no " + expectedType + " block (not PEM, or empty)");
        }
        return blocks;
    }

    private static String hint(String type) {
        return type.equals("EC PRIVATE KEY") || type.equals("RSA PRIVATE KEY")
                ? "; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8"
                : type.equals("ENCRYPTED PRIVATE KEY") ? "; encrypted keys are not supported" : "";
    }

    private static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 certificate factory", e);
        }
    }
}

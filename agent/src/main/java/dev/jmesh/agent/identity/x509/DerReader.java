package dev.jmesh.agent.identity.x509;

import java.security.cert.X509Certificate;
import java.util.Arrays;

/** Just enough DER reading to take an issuer's subjectKeyIdentifier out of its certificate. */
final class DerReader {

    private static final int OCTET_STRING = 0x04;

    private DerReader() {}

    /** The key identifier bytes, or null when the certificate has no (well-formed) extension. */
    static byte[] subjectKeyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue("2.5.29.14");
        if (extension == null) {
            return null;
        }
        // getExtensionValue wraps extnValue in an OCTET STRING; extnValue is itself an OCTET STRING.
        byte[] value = octetStringContent(extension);
        return value == null ? null : octetStringContent(value);
    }

    private static byte[] octetStringContent(byte[] tlv) {
        if (tlv.length < 2 || tlv[0] != OCTET_STRING) {
            return null;
        }
        int length = tlv[1] & 0xff;
        int offset = 2;
        if (length >= 0x80) {
            int octets = length & 0x7f;
            if (octets == 0 || octets > 3 || tlv.length < 2 + octets) {
                return null;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (tlv[2 + i] & 0xff);
            }
            offset += octets;
        }
        return offset + length == tlv.length ? Arrays.copyOfRange(tlv, offset, tlv.length) : null;
    }
}

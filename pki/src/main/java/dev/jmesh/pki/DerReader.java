package dev.jmesh.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER reading for what the mesh reads itself: an issuer's subjectKeyIdentifier, and
 * certificate requests. Strict: definite lengths only, each element within its parent.
 */
final class DerReader {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private DerReader() {}

    /** One element: its tag and where its content lies in {@code der}. */
    record Element(byte[] der, int tag, int start, int contentStart, int end) {

        byte[] encoded() {
            return Arrays.copyOfRange(der, start, end);
        }

        byte[] content() {
            return Arrays.copyOfRange(der, contentStart, end);
        }

        /** The elements a constructed element holds, in order. */
        List<Element> children() {
            List<Element> children = new ArrayList<>();
            for (int at = contentStart; at < end; ) {
                Element child = read(der, at, end);
                children.add(child);
                at = child.end();
            }
            return children;
        }

        Element expect(int expectedTag, String what) {
            if (tag != expectedTag) {
                throw new IllegalArgumentException(what + ": expected tag 0x" + Integer.toHexString(expectedTag)
                        + ", found 0x" + Integer.toHexString(tag));
            }
            return this;
        }
    }

    /** The element that is all of {@code der}. */
    static Element whole(byte[] der) {
        Element element = read(der, 0, der.length);
        if (element.end() != der.length) {
            throw new IllegalArgumentException("bytes after the DER element");
        }
        return element;
    }

    /** The element at {@code at}, which must end by {@code limit}. */
    static Element read(byte[] der, int at, int limit) {
        if (at + 2 > limit) {
            throw new IllegalArgumentException("DER element cut short");
        }
        int tag = der[at] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IllegalArgumentException("multi-byte DER tags are not used here");
        }
        int length = der[at + 1] & 0xff;
        int contentStart = at + 2;
        if (length >= 0x80) {
            int octets = length & 0x7f;
            if (octets == 0 || octets > 3 || contentStart + octets > limit) {
                throw new IllegalArgumentException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[contentStart + i] & 0xff);
            }
            contentStart += octets;
        }
        if (contentStart + length > limit) {
            throw new IllegalArgumentException("DER element longer than its container");
        }
        return new Element(der, tag, at, contentStart, contentStart + length);
    }

    /** The key identifier bytes, or null when the certificate has no (well-formed) extension. */
    static byte[] subjectKeyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue("2.5.29.14");
        if (extension == null) {
            return null;
        }
        // getExtensionValue wraps extnValue in an OCTET STRING; extnValue is itself an OCTET STRING.
        try {
            Element outer = whole(extension).expect(OCTET_STRING, "extension");
            return whole(outer.content()).expect(OCTET_STRING, "key identifier").content();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

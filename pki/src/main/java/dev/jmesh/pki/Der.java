package dev.jmesh.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The few ASN.1 DER encodings an X.509 certificate needs. Each method returns one complete
 * tag-length-value; constructed values take their already encoded children.
 */
public final class Der {

    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int NULL = 0x05;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int UTF8_STRING = 0x0c;
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;
    private static final int BOOLEAN = 0x01;
    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int FIRST_GENERALIZED_YEAR = 2050;

    private Der() {}

    public static byte[] sequence(byte[]... children) {
        return tlv(SEQUENCE, concat(children));
    }

    /** A SET OF with a single member, as in a relative distinguished name; larger sets would need DER's sort order. */
    public static byte[] setOfOne(byte[] child) {
        return tlv(SET, child);
    }

    public static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray()); // two's complement, minimal: exactly DER's form
    }

    public static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    public static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    public static byte[] nullValue() {
        return tlv(NULL, new byte[0]);
    }

    public static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING of whole bytes (no unused bits), as keys and signatures are. */
    public static byte[] bitString(byte[] value) {
        byte[] content = new byte[value.length + 1];
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(BIT_STRING, content);
    }

    /**
     * A named BIT STRING such as KeyUsage: bit 0 is the most significant bit of the first byte;
     * DER drops trailing zero bits and counts them as unused.
     */
    public static byte[] namedBits(boolean... bits) {
        int last = bits.length - 1;
        while (last >= 0 && !bits[last]) {
            last--;
        }
        if (last < 0) {
            return tlv(BIT_STRING, new byte[] {0});
        }
        int bytes = last / 8 + 1;
        byte[] content = new byte[bytes + 1];
        content[0] = (byte) (bytes * 8 - (last + 1));
        for (int i = 0; i <= last; i++) {
            if (bits[i]) {
                content[1 + i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return tlv(BIT_STRING, content);
    }

    public static byte[] utf8String(String value) {
        return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
    public static byte[] time(Instant instant) {
        Instant seconds = Instant.ofEpochSecond(instant.getEpochSecond());
        boolean utc = seconds.atZone(ZoneOffset.UTC).getYear() < FIRST_GENERALIZED_YEAR;
        String text = (utc ? UTC_TIME_FORMAT : GENERALIZED_TIME_FORMAT).format(seconds);
        return tlv(utc ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("OID needs at least two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, new BigInteger(arcs[0]).multiply(BigInteger.valueOf(40)).add(new BigInteger(arcs[1])));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, new BigInteger(arcs[i]));
        }
        return tlv(OBJECT_IDENTIFIER, out.toByteArray());
    }

    /** [n] EXPLICIT: a constructed context-specific tag around a complete encoding. */
    public static byte[] explicit(int tagNumber, byte[] encoded) {
        return tlv(0xa0 | tagNumber, encoded);
    }

    /** [n] IMPLICIT for a primitive type: the context-specific tag replaces the type's own. */
    public static byte[] implicitPrimitive(int tagNumber, byte[] content) {
        return tlv(0x80 | tagNumber, content);
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int shift = (octets - 1) * 8; shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void base128(ByteArrayOutputStream out, BigInteger value) {
        int groups = Math.max(1, (value.bitLength() + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int group = value.shiftRight(i * 7).intValue() & 0x7f;
            out.write(i == 0 ? group : group | 0x80);
        }
    }
}

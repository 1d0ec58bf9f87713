package dev.jmesh.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Encodings checked against hand-worked DER (X.690) examples. */
class DerTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void integersAreMinimalTwosComplement() {
        assertArrayEquals(hex("02 01 00"), Der.integer(0));
        assertArrayEquals(hex("02 01 7f"), Der.integer(127));
        assertArrayEquals(hex("02 02 00 80"), Der.integer(128));
        assertArrayEquals(hex("02 01 80"), Der.integer(-128));
        assertArrayEquals(hex("02 02 01 00"), Der.integer(BigInteger.valueOf(256)));
    }

    @Test
    void lengthsUseTheShortFormBelow128AndTheLongFormAbove() {
        assertArrayEquals(hex("04 7f"), Arrays.copyOf(Der.octetString(new byte[127]), 2));
        assertArrayEquals(hex("04 81 80"), Arrays.copyOf(Der.octetString(new byte[128]), 3));
        assertArrayEquals(hex("04 82 01 00"), Arrays.copyOf(Der.octetString(new byte[256]), 4));
        assertArrayEquals(hex("04 83 01 00 00"), Arrays.copyOf(Der.octetString(new byte[65536]), 5));
    }

    @Test
    void objectIdentifiersEncodeArcsInBase128() {
        assertArrayEquals(hex("06 08 2a 86 48 ce 3d 04 03 02"), Der.oid("1.2.840.10045.4.3.2"));
        assertArrayEquals(hex("06 03 55 1d 11"), Der.oid("2.5.29.17"));
        assertArrayEquals(hex("06 08 2b 06 01 05 05 07 03 01"), Der.oid("1.3.6.1.5.5.7.3.1"));
    }

    @Test
    void namedBitStringsDropTrailingZeroBits() {
        assertArrayEquals(hex("03 02 07 80"), Der.namedBits(true)); // digitalSignature
        assertArrayEquals(hex("03 02 01 06"), Der.namedBits(false, false, false, false, false, true, true));
        assertArrayEquals(hex("03 01 00"), Der.namedBits(false, false));
    }

    @Test
    void timesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() {
        assertArrayEquals(hex("17 0d"), Arrays.copyOf(Der.time(Instant.parse("2049-12-31T23:59:59Z")), 2));
        assertArrayEquals("491231235959Z".getBytes(), Arrays.copyOfRange(
                Der.time(Instant.parse("2049-12-31T23:59:59.900Z")), 2, 15));
        assertArrayEquals(hex("18 0f"), Arrays.copyOf(Der.time(Instant.parse("2050-01-01T00:00:00Z")), 2));
    }

    @Test
    void constructedValuesWrapTheirChildren() {
        assertArrayEquals(hex("30 05 01 01 ff 05 00"), Der.sequence(Der.bool(true), Der.nullValue()));
        assertArrayEquals(hex("a3 02 30 00"), Der.explicit(3, Der.sequence()));
        assertArrayEquals(hex("86 03 61 62 63"), Der.implicitPrimitive(6, "abc".getBytes()));
    }
}

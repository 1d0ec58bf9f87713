package dev.jmesh.agent.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * XXH64, the 64-bit xxHash (Yann Collet's algorithm, as specified in xxHash's
 * {@code doc/xxhash_spec.md}), written out here so the agent needs no dependency for it.
 *
 * <p>The output is the canonical XXH64 value, identical on every JVM and to the C reference
 * (and so to Envoy's {@code HashUtil::xxHash64}): consistent-hashing balancers in different
 * processes agree on where a key goes. Multi-byte lanes are read little-endian, as the
 * specification requires, whatever the platform's byte order.
 */
public final class Hashing {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Hashing() {}

    /**
     * XXH64 of the string's UTF-8 bytes, seed 0. ASCII strings (the usual case: header values,
     * ids, {@code ip:port}) are hashed straight from their chars without allocating; others are
     * encoded first (an unpaired surrogate becomes {@code ?}, as in {@link String#getBytes}).
     */
    public static long xxHash64(CharSequence s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = s.toString().getBytes(StandardCharsets.UTF_8);
                return hash(utf8, null, 0, utf8.length, 0);
            }
        }
        return hash(null, s, 0, length, 0);
    }

    /** XXH64 of all of {@code b} with the given seed. */
    public static long xxHash64(byte[] b, long seed) {
        return hash(b, null, 0, b.length, seed);
    }

    /** XXH64 of {@code b[offset, offset + length)} with the given seed. */
    public static long xxHash64(byte[] b, int offset, int length, long seed) {
        Objects.checkFromIndexSize(offset, length, b.length);
        return hash(b, null, offset, length, seed);
    }

    /** The algorithm over either bytes ({@code b}) or ASCII chars ({@code s}); the other is null. */
    private static long hash(byte[] b, CharSequence s, int offset, int length, long seed) {
        int p = offset;
        int end = offset + length;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = end - 32;
            do {
                v1 = round(v1, lane64(b, s, p));
                v2 = round(v2, lane64(b, s, p + 8));
                v3 = round(v3, lane64(b, s, p + 16));
                v4 = round(v4, lane64(b, s, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += length;

        while (p + 8 <= end) {
            h ^= round(0, lane64(b, s, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= lane32(b, s, p) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= byteAt(b, s, p) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }

        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long lane) {
        acc += lane * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long v) {
        acc ^= round(0, v);
        return acc * P1 + P4;
    }

    /** Eight bytes from {@code i}, little-endian. */
    private static long lane64(byte[] b, CharSequence s, int i) {
        if (b != null) {
            return (long) LONG_LE.get(b, i);
        }
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = (v << 8) | s.charAt(i + k);
        }
        return v;
    }

    /** Four bytes from {@code i}, little-endian, as an unsigned value. */
    private static long lane32(byte[] b, CharSequence s, int i) {
        if (b != null) {
            return ((int) INT_LE.get(b, i)) & 0xFFFF_FFFFL;
        }
        return s.charAt(i) | (long) s.charAt(i + 1) << 8 | (long) s.charAt(i + 2) << 16 | (long) s.charAt(i + 3) << 24;
    }

    private static long byteAt(byte[] b, CharSequence s, int i) {
        return b != null ? b[i] & 0xFF : s.charAt(i);
    }
}

package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against published vectors of the reference implementation, covering every code path:
 * empty input, the 1-byte, 4-byte and 8-byte tails, and inputs of 32 bytes and more (the
 * four-lane stripes), with and without a seed.
 */
class HashingTest {

    private static long xxh64(String ascii, long seed) {
        return Hashing.xxHash64(ascii.getBytes(StandardCharsets.UTF_8), seed);
    }

    @Test
    void matchesTheReferenceVectorsWithSeedZero() {
        assertEquals(0xEF46DB3751D8E999L, Hashing.xxHash64(""));
        assertEquals(0xD24EC4F1A98C6E5BL, Hashing.xxHash64("a"));
        assertEquals(0x44BC2CF5AD770999L, Hashing.xxHash64("abc"));
        assertEquals(0x33BF00A859C4BA3FL, Hashing.xxHash64("foo"));
        assertEquals(0x48A37C90AD27A659L, Hashing.xxHash64("bar"));
        assertEquals(0x066ED728FCEEB3BEL, Hashing.xxHash64("message digest"));
        assertEquals(0x467605901B01D6F6L, Hashing.xxHash64("abcdefghijklmnopqrstuvwxyz12345")); // 31 bytes
        assertEquals(0x69196C1B3AF0BFF9L, Hashing.xxHash64("0123456789abcdefghijklmnopqrstuvwxyz")); // 36 bytes
    }

    @Test
    void matchesEnvoysHashUtil() {
        // Envoy's own test values for HashUtil::xxHash64, which its ring hash and maglev use.
        assertEquals(3728699739546630719L, Hashing.xxHash64("foo"));
        assertEquals(Long.parseUnsignedLong("8917841378505826757"), Hashing.xxHash64("foo\nbar"));
        assertEquals(4400747396090729504L, Hashing.xxHash64("lyft"));
        assertEquals(Long.parseUnsignedLong("17241709254077376921"), Hashing.xxHash64(""));
    }

    @Test
    void matchesTheReferenceVectorsWithASeed() {
        assertEquals(0x04E830582A31A119L, xxh64("", 668718853));
        assertEquals(0x6E05BA2887C97977L, xxh64("a", 191961062));
        assertEquals(0x37B562EC5715E132L, xxh64("abcdefghijklmnopqrstuvwxyz12345", 877380273));
    }

    @Test
    void charsAndBytesAgree() {
        StringBuilder s = new StringBuilder();
        for (int length = 0; length < 100; length++) {
            String text = s.toString();
            assertEquals(xxh64(text, 0), Hashing.xxHash64(text), () -> "length " + text.length());
            assertEquals(xxh64(text, 0), Hashing.xxHash64(new StringBuilder(text)), () -> "length " + text.length());
            s.append((char) ('!' + (length * 7) % 90));
        }
        // Non-ASCII text is hashed as its UTF-8 encoding.
        String text = "zürich-東京-\uD83D\uDE00";
        assertEquals(xxh64(text, 0), Hashing.xxHash64(text));
    }

    @Test
    void hashesASliceAsItsOwnBytes() {
        byte[] framed = "<<0123456789abcdefghijklmnopqrstuvwxyz>>".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x69196C1B3AF0BFF9L, Hashing.xxHash64(framed, 2, framed.length - 4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Hashing.xxHash64(framed, 30, 20, 0));
    }
}

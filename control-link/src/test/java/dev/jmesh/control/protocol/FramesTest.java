package dev.jmesh.control.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frame codec: round trips, strictness, and a seeded fuzz of the decoder. */
class FramesTest {

    static final List<Message> SAMPLES = List.of(
            new Message.Hello("orders-api", "s3cr3t-token", "7965b2590d65ab63", 8080),
            new Message.Hello("a", "", "", 0),
            new Message.Hello("orders", "", "", 8080, java.util.Map.of("version", "v2", "track", "canary"), "eu-1a", ""),
            new Message.Hello("orders", "", "", 8080, java.util.Map.of(), "", "spiffe://example.org/ns/shop/sa/orders"),
            new Message.Welcome("127.0.0.1:15010", "7965b2590d65ab63", 5000),
            new Message.Welcome("10.0.0.2:15010", "", 0),
            new Message.Snapshot("7965b2590d65ab63", "services:\n  orders:\n    endpoints: [ 10.0.0.1:80 ]\n"),
            new Message.Ack("7965b2590d65ab63"),
            new Message.Nack("7965b2590d65ab63", "snapshot 7965b2590d65ab63:4:15: unknown balancer 'x'\nsecond line é"),
            new Message.Ping(),
            new Message.Pong(),
            new Message.Goodbye(),
            new Message.Error("unauthorized: wrong token"),
            new Message.Report("orders canary requests=10 5xx=1 connect=0 timeout=0 reset=0 overflow=0 le=5:9,+Inf:1\n"),
            new Message.Report(""),
            new Message.Command("s3cr3t", "abort orders"),
            new Message.Reply(false, "no rollout of 'billing'\n"),
            new Message.Csr("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"),
            new Message.Certificates(true, 2, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
            new Message.Certificates(false, 0, "the token is for spiffe://example.org/ns/shop/sa/frontend"));

    @Test
    void everyMessageRoundTrips() throws Exception {
        for (Message m : SAMPLES) {
            assertEquals(m, decodeAll(Frames.encode(m)).get(0), m.toString());
        }
    }

    @Test
    void framesSplitAnywhereDecodeTheSame() throws Exception {
        ByteBuffer all = ByteBuffer.allocate(64 * 1024);
        for (Message m : SAMPLES) {
            all.put(Frames.encode(m));
        }
        byte[] bytes = Arrays.copyOf(all.array(), all.position());
        for (int chunk : new int[] {1, 2, 3, 7, 64, bytes.length}) {
            FrameDecoder decoder = new FrameDecoder();
            List<Message> out = new ArrayList<>();
            for (int i = 0; i < bytes.length; i += chunk) {
                ByteBuffer in = ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i));
                for (Message m; (m = decoder.next(in)) != null; ) {
                    out.add(m);
                }
            }
            assertEquals(SAMPLES, out, "chunks of " + chunk);
        }
    }

    @Test
    void strictness() {
        assertProtocolError(raw((byte) 'X', 6, "\n"), "not a jmesh control frame");
        assertProtocolError(raw(Frames.MAGIC, 42, "\n"), "unknown message type 42");
        assertProtocolError(header(Frames.MAGIC, 6, Frames.MAX_SMALL_BODY + 1), "frame too large");
        assertProtocolError(header(Frames.MAGIC, 3, -1), "frame too large");
        assertProtocolError(raw(Frames.MAGIC, 6, ""), "header not terminated");
        assertProtocolError(raw(Frames.MAGIC, 6, "x=1\n\n"), "unknown header 'x' in PING");
        assertProtocolError(raw(Frames.MAGIC, 6, "\npayload"), "PING carries no payload");
        assertProtocolError(raw(Frames.MAGIC, 4, "version=1\nversion=2\n\n"), "repeated header 'version'");
        assertProtocolError(raw(Frames.MAGIC, 4, "\n"), "ACK without 'version'");
        assertProtocolError(raw(Frames.MAGIC, 4, "version=a b\n\n"), "bad value for header 'version'");
        assertProtocolError(raw(Frames.MAGIC, 1, "protocol=2\nworkload=a\n\n"), "unsupported protocol version '2'");
        assertProtocolError(raw(Frames.MAGIC, 1, "protocol=1\nworkload=A_B\n\n"), "bad workload name 'A_B'");
        assertProtocolError(raw(Frames.MAGIC, 1, "protocol=1\nworkload=a\ninbound=70000\n\n"), "bad inbound port");
        assertProtocolError(raw(Frames.MAGIC, 3, "version=\n\nservices: {}"), "SNAPSHOT without a version");
        byte[] badUtf8 = raw(Frames.MAGIC, 9, "\nxx");
        badUtf8[badUtf8.length - 1] = (byte) 0xC3;
        assertProtocolError(badUtf8, "not valid UTF-8");
        assertThrows(IllegalArgumentException.class, () -> Frames.encode(new Message.Ack("bad version")));
        assertThrows(IllegalArgumentException.class,
                () -> Frames.encode(new Message.Snapshot("v", "x".repeat(Frames.MAX_BODY))));
    }

    @Test
    void aDeclaredLengthIsNotAllocatedUpFront() throws Exception {
        FrameDecoder decoder = new FrameDecoder();
        assertNull(decoder.next(ByteBuffer.wrap(header(Frames.MAGIC, 3, Frames.MAX_BODY))));
        assertNull(decoder.next(ByteBuffer.wrap(new byte[10]))); // buffered: 10 bytes, not 1 MiB
    }

    /**
     * Thousands of seeded random and mutated frames, fed in random chunks: the decoder only ever
     * returns messages or throws {@link ProtocolException}, never anything else, and quickly.
     */
    @Test
    void fuzz() {
        Random random = new Random(20261122L);
        List<byte[]> seeds = new ArrayList<>();
        for (Message m : SAMPLES) {
            seeds.add(Frames.encode(m));
        }
        long start = System.nanoTime();
        int messages = 0;
        int errors = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())), round);
            FrameDecoder decoder = new FrameDecoder();
            try {
                int at = 0;
                while (at < input.length) {
                    int n = 1 + random.nextInt(Math.min(64, input.length - at));
                    ByteBuffer in = ByteBuffer.wrap(input, at, n);
                    for (Message m; (m = decoder.next(in)) != null; ) {
                        messages++;
                        Frames.encode(m); // whatever decodes is a well-formed message
                    }
                    at += n;
                }
            } catch (ProtocolException e) {
                errors++;
                assertTrue(e.getMessage() != null && e.getMessage().length() < 300, e.getMessage());
            } catch (RuntimeException e) {
                fail("round " + round + ": decoder threw " + e + " on " + Arrays.toString(input), e);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(messages > 1000 && errors > 1000, messages + " messages, " + errors + " errors");
        assertTrue(millis < 20_000, "fuzzing took " + millis + " ms");
    }

    private static byte[] mutate(Random random, byte[] seed, int round) {
        switch (round % 5) {
            case 0 -> { // random bytes, sometimes behind a valid magic
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                if (b.length > 0 && random.nextBoolean()) {
                    b[0] = Frames.MAGIC;
                }
                return b;
            }
            case 1 -> { // bit flips
                byte[] b = seed.clone();
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 2 -> { // truncated
                return Arrays.copyOf(seed, random.nextInt(seed.length));
            }
            case 3 -> { // a random printable body under a valid header of a random type
                byte[] body = new byte[random.nextInt(80)];
                for (int i = 0; i < body.length; i++) {
                    body[i] = (byte) "abcdefghiklmnoprstuvwxyz=\n0123456789._-: ".charAt(random.nextInt(41));
                }
                return raw(Frames.MAGIC, 1 + random.nextInt(10), new String(body, StandardCharsets.ISO_8859_1));
            }
            default -> { // two valid frames, one corrupted byte somewhere
                byte[] b = new byte[seed.length * 2];
                System.arraycopy(seed, 0, b, 0, seed.length);
                System.arraycopy(seed, 0, b, seed.length, seed.length);
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
        }
    }

    private static List<Message> decodeAll(byte[] bytes) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Message> out = new ArrayList<>();
        for (Message m; (m = decoder.next(in)) != null; ) {
            out.add(m);
        }
        return out;
    }

    private static void assertProtocolError(byte[] frame, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeAll(frame));
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }

    private static byte[] raw(byte magic, int type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(Frames.HEADER_BYTES + bytes.length).put(magic).put((byte) type)
                .putInt(bytes.length).put(bytes).array();
    }

    private static byte[] header(byte magic, int type, int length) {
        return ByteBuffer.allocate(Frames.HEADER_BYTES).put(magic).put((byte) type).putInt(length).array();
    }
}

package dev.jmesh.agent.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    static final long START = 1_764_630_000_123L; // 2025-12-01T23:00:00.123Z

    @TempDir
    Path dir;

    @Test
    void aLineSaysWhatEnvoysDefaultFormatSaysWithTheDirectionAndTheCaller() {
        AccessLogEntry outbound = new AccessLogEntry(START, true, "GET", "/api/items?id=7", null, 200, "-", 0, 1234, 12,
                "orders", "10.0.1.5:8080", "frontend");
        assertEquals("[2025-12-01T23:00:00.123Z] \"GET /api/items?id=7 -\" 200 - 0 1234 12 \"orders\" \"10.0.1.5:8080\""
                + " outbound frontend", outbound.render());
        AccessLogEntry inbound = new AccessLogEntry(START, false, "POST", "/echo", "HTTP/1.1", 0, "DC", 10, -1, 3,
                "orders:8080", null, "spiffe://example.org/ns/shop/sa/frontend");
        assertEquals("[2025-12-01T23:00:00.123Z] \"POST /echo HTTP/1.1\" 0 DC 10 - 3 \"orders:8080\" \"-\" inbound"
                + " spiffe://example.org/ns/shop/sa/frontend", inbound.render());
    }

    @Test
    void whatACallerSendsCannotSplitOrForgeALine() {
        AccessLogEntry entry = new AccessLogEntry(START, false, "GET", "/a\" 200 - \n[forged", null, 404, "-", 0, 0, 1,
                "x\\y", null, null);
        String line = entry.render();
        assertTrue(line.contains("\"GET /a\\\" 200 - \\x0a[forged -\""), line);
        assertTrue(line.contains("\"x\\\\y\""), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void linesReachTheFileInOrder() throws Exception {
        Path file = dir.resolve("logs/access.log");
        AccessLog log = AccessLog.open(file);
        for (int i = 0; i < 100; i++) {
            log.log(new AccessLogEntry(START, true, "GET", "/" + i, null, 200, "-", 0, 0, 1, "orders", null, "w"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = List.of();
        while (lines.size() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        }
        assertEquals(100, lines.size());
        for (int i = 0; i < 100; i++) {
            assertTrue(lines.get(i).contains("\"GET /" + i + " -\""), lines.get(i));
        }
        assertEquals(0, log.dropped());
    }

    @Test
    void aLogThatCannotKeepUpDropsAndCountsNeverBlocks() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Writer stuck = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        AccessLog log = AccessLog.start(stuck, "test");
        AccessLogEntry entry = new AccessLogEntry(START, true, "GET", "/", null, 200, "-", 0, 0, 1, null, null, null);
        log.log(entry);
        assertTrue(writing.await(10, TimeUnit.SECONDS), "the writer took the first entry and is stuck writing it");
        for (int i = 0; i < AccessLog.MAX_QUEUED + 5; i++) {
            log.log(entry); // returns at once, full or not
        }
        assertEquals(5, log.dropped());
        release.countDown();
    }

    @Test
    void aLogThatCannotBeOpenedIsNone() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "");
        assertNull(AccessLog.open(file.resolve("under-a-file.log")));
    }
}

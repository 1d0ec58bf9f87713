package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log, both ends of the same calls: the caller's agent logs to standard error, the
 * server's to a file, one line per request in Envoy's default format with the direction and the
 * caller at the end.
 */
class AccessLogTest {

    private static final String START = "\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\\] ";

    @TempDir
    Path dir;

    @Test
    void bothEndsLogEachRequestOnce() throws Exception {
        int port = FreePort.pick();
        Path serverLog = dir.resolve("logs/orders-access.log");
        Path server = Policy.write(dir, """
                workload: orders
                accessLog: { path: "%s" }
                """.formatted(serverLog));
        Path caller = Policy.write(dir, """
                workload: frontend
                accessLog: { path: "-" }
                services:
                  orders:
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(port));
        try (AppJvm orders = AppJvm.on(Jdk.JDK17).withAgent(server).classPath(AppJvm.classPath())
                .run(ServerApp.class.getName(), List.of("jdk", Integer.toString(port)))) {
            orders.awaitLine("LISTENING"::equals);
            AppJvm.Result calls;
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(caller).classPath(AppJvm.classPath("okhttp4"))
                    .run(CallerApp.class.getName(), List.of("jdk-sync", "http://orders/status/503",
                            "http://orders/bytes/10?x=1", "--hold"))) {
                app.awaitLine("DONE"::equals);
                app.awaitErrorLines(l -> l.contains(" outbound frontend"), 2);
                app.writeLine("exit");
                calls = app.await();
            }
            List<String> outbound = calls.stderr().stream().filter(l -> l.endsWith(" outbound frontend")).toList();
            assertEquals(2, outbound.size(), calls::toString);
            String upstream = "\"orders\" \"127\\.0\\.0\\.1:" + port + "\" outbound frontend";
            assertMatches(START + "\"GET /status/503 -\" 503 - 0 0 \\d+ " + upstream, outbound.get(0));
            // The source knows a body's size from its Content-Length: a chunked one is unknown there.
            assertMatches(START + "\"GET /bytes/10\\?x=1 -\" 200 - 0 - \\d+ " + upstream, outbound.get(1));

            List<String> inbound = awaitLines(serverLog, 2);
            assertMatches(START + "\"GET /status/503 HTTP/1.1\" 503 - 0 0 \\d+ \"orders\" \"-\" inbound frontend",
                    inbound.get(0));
            assertMatches(START + "\"GET /bytes/10 HTTP/1.1\" 200 - 0 10 \\d+ \"orders\" \"-\" inbound frontend",
                    inbound.get(1));
            orders.writeLine("exit");
        }
    }

    private static void assertMatches(String regex, String line) {
        assertTrue(Pattern.matches(regex, line), line + "\n does not match\n" + regex);
    }

    /** The file's lines once it has {@code n} (the log is written off the request path, soon after). */
    private static List<String> awaitLines(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (lines.size() >= n) {
                return lines;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the access log " + file + " has " + lines);
    }
}

package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end performance harness, {@code scripts/perf-e2e.sh --smoke}, runs as a user runs
 * it: it installs nginx and HAProxy if needed, builds the harness, starts its servers, runs
 * client JVMs with and without the agent, a served-requests server JVM with and without it,
 * and writes its reports, here into a temp dir. The
 * figures of so short a run mean nothing; that every part runs and reports numbers does.
 */
class PerformanceHarnessSmokeTest {

    static final Path ROOT = AppJvm.AGENT_JAR.toAbsolutePath().normalize().getParent().getParent().getParent();
    static final Duration TIMEOUT = Duration.ofSeconds(180);
    static final Pattern NUMBER = Pattern.compile("[+-]?[0-9][0-9,]*(\\.[0-9]+)?( \\(×[0-9.]+\\))?( %)?");
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void smokeRunWritesTheTablesAndThePlot() throws Exception {
        Path out = dir.resolve("perf");
        Path log = dir.resolve("perf-e2e.log");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("scripts/perf-e2e.sh").toString(), "--smoke",
                "--out", out.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JMESH_CONFIG");
        builder.environment().put("PERF_JAVA", Jdk.JDK17.java().toString());
        // The reactor built the agent and the harness before these tests: no nested Maven build.
        builder.environment().put("PERF_SKIP_BUILD", "1");
        long start = System.nanoTime();
        Process script = builder.start();
        if (!script.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            script.destroy(); // SIGTERM: the script's trap stops what it started
            if (!script.waitFor(20, TimeUnit.SECONDS)) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
            }
            fail("scripts/perf-e2e.sh --smoke did not finish within " + TIMEOUT + ":\n" + tail(log));
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(0, script.exitValue(), () -> "scripts/perf-e2e.sh --smoke failed:\n" + tail(log));
        System.out.println("perf-e2e --smoke took " + seconds + " s");

        String e2e = Files.readString(out.resolve("e2e.md"), StandardCharsets.UTF_8);
        for (String setup : List.of("a direct", "b agent", "c sidecar hop")) {
            List<String> rows = rows(e2e, setup);
            assertEquals(2, rows.size(), () -> "rows for " + setup + " (2 clients, 1 thread):\n" + e2e);
            for (String row : rows) {
                List<String> cells = cells(row);
                // setup | client | threads | p50 | p90 | p99 | req/s | client CPU | proxy CPU | added p50 | added p90 | added p99 | req/s vs a
                for (int i : new int[] {2, 3, 4, 5, 6, 7}) {
                    assertTrue(NUMBER.matcher(cells.get(i)).matches(), () -> "not a number in column " + i + ": " + row);
                }
                if (!setup.startsWith("a")) {
                    for (int i : new int[] {9, 10, 11, 12}) {
                        assertTrue(NUMBER.matcher(cells.get(i)).matches(), () -> "no added cost in column " + i + ": " + row);
                    }
                }
            }
        }
        assertTrue(e2e.contains("[`mtls.md`](mtls.md)"), e2e);
        assertTrue(e2e.contains("| command | `scripts/perf-e2e.sh --smoke` |"), e2e);

        byte[] png = Files.readAllBytes(out.resolve("e2e-latency.png"));
        assertTrue(png.length > 10_000, "PNG of " + png.length + " bytes");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));

        // The run itself fails a served cell whose agent did not count every request.
        String served = Files.readString(out.resolve("served.md"), StandardCharsets.UTF_8);
        for (String setup : List.of("a no agent", "b agent")) {
            List<String> rows = rows(served, setup);
            assertEquals(1, rows.size(), () -> "rows for " + setup + " (Jetty, 1 thread):\n" + served);
            List<String> cells = cells(rows.get(0));
            // setup | server | threads | p50 | p90 | p99 | req/s | server CPU | client CPU | added p50 | p90 | p99 | req/s | server CPU
            assertTrue(cells.get(1).startsWith("Jetty 12"), rows.get(0));
            for (int i : setup.startsWith("a") ? new int[] {2, 3, 4, 5, 6, 7, 8} : new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}) {
                assertTrue(NUMBER.matcher(cells.get(i)).matches(), () -> "not a number in column " + i + ": " + rows.get(0));
            }
        }

        // Agent to agent over mTLS and two TLS sidecar hops, each against the same plaintext reference.
        String mtls = Files.readString(out.resolve("mtls.md"), StandardCharsets.UTF_8);
        for (String setup : List.of("d0 plaintext", "d agent to agent, mTLS", "e two TLS sidecar hops")) {
            List<String> rows = rows(mtls, setup);
            assertEquals(1, rows.size(), () -> "rows for " + setup + " (JDK client, 1 thread):\n" + mtls);
            List<String> cells = cells(rows.get(0));
            // setup | client | threads | p50 | p90 | p99 | req/s | client CPU | added p50 | p90 | p99 | req/s vs d0
            for (int i : setup.startsWith("d0") ? new int[] {2, 3, 4, 5, 6, 7} : new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
                assertTrue(NUMBER.matcher(cells.get(i)).matches(), () -> "not a number in column " + i + ": " + rows.get(0));
            }
        }

        String startup = Files.readString(out.resolve("startup-memory.md"), StandardCharsets.UTF_8);
        assertTrue(startup.contains("### Warm") && startup.contains("### Cold"), startup);
        assertEquals(2, rows(startup, "whole process ≤ 50 ms added, warm (10 services)").size()
                + rows(startup, "whole process ≤ 150 ms added, cold (10 services)").size(), startup);
        for (String variant : List.of("no agent", "jmesh agent, 10 services",
                "jmesh agent, 10 services + a tcp service (the socket goes to it)", "jmesh agent, 100 services")) {
            List<String> rows = rows(startup, variant);
            assertTrue(!rows.isEmpty(), () -> "no row for " + variant + ":\n" + startup);
            for (String row : rows) {
                assertTrue(NUMBER.matcher(cells(row).get(1)).matches(), () -> "no figure: " + row);
            }
        }
    }

    private static List<String> rows(String markdown, String firstCell) {
        return markdown.lines().filter(line -> line.startsWith("| " + firstCell + " |")).toList();
    }

    private static List<String> cells(String row) {
        String inner = row.substring(row.indexOf('|') + 1, row.lastIndexOf('|'));
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}

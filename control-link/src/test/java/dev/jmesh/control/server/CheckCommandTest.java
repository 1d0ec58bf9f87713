package dev.jmesh.control.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar jmesh-control.jar check DIR}. */
class CheckCommandTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int check(String... args) {
        return CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    List<String> lines(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8).lines().toList();
    }

    void assertLines(List<String> expectedPrefixes, List<String> actual) {
        assertEquals(expectedPrefixes.size(), actual.size(), String.join("\n", actual));
        for (int i = 0; i < actual.size(); i++) {
            assertTrue(actual.get(i).startsWith(expectedPrefixes.get(i)), "line " + (i + 1) + ": " + actual.get(i));
        }
    }

    void goodDirectory() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), """
                services:
                  orders:
                    endpoints:
                      - { address: 10.0.0.2:80, weight: 3 }
                """);
        Files.writeString(dir.resolve("b.yaml"), "services:\n  payments:\n    balancer: random\n");
        Files.writeString(dir.resolve("c.yaml"), "services:\n  orders:\n    endpoints: [ 10.0.0.9:80 ]\n");
    }

    @Test
    void printsEveryProblemAtItsFileLineAndColumnAndFails() throws Exception {
        goodDirectory();
        Files.writeString(dir.resolve("billing.yaml"), PolicyCheckTest.BAD_ORDERS.replace("orders", "billing"));
        assertEquals(1, check(dir.toString()));
        assertLines(List.of(
                dir.resolve("a.yaml") + ":4:41: weight is ignored by balancer round-robin",
                dir.resolve("billing.yaml") + ":4:15: unknown balancer 'round-robbin' (expected one of: ",
                dir.resolve("billing.yaml") + ":5:14: bad duration '5 seconds'",
                dir.resolve("c.yaml") + ":2:3: service 'orders' is already defined in a.yaml; this one is ignored (warning)",
                dir + ": 2 error(s)"), lines(err));
        assertTrue(lines(err).get(0).endsWith(" (warning)"), lines(err).get(0));
        assertEquals(List.of(), lines(out));
    }

    @Test
    void aDirectoryWithoutErrorsIsOkEvenWithWarnings() throws Exception {
        goodDirectory();
        assertEquals(0, check(dir.toString()));
        assertEquals(List.of(dir + ": OK, 3 file(s), 2 service(s) [orders, payments]"), lines(out));
        assertEquals(2, lines(err).size(), String.join("\n", lines(err))); // the two warnings
    }

    @Test
    void aFileThatIsNotYamlIsAnErrorAtItsPosition() throws Exception {
        Files.writeString(dir.resolve("orders.yaml"), "services: [ unclosed\n");
        assertEquals(1, check(dir.toString()));
        assertLines(List.of(dir.resolve("orders.yaml") + ":2:1: syntax error: ", dir + ": 1 error(s)"), lines(err));
    }

    @Test
    void usageErrorsExitWithTwoAndAMissingDirectoryWithOne() {
        assertEquals(2, check());
        assertEquals(2, check("a", "b"));
        assertTrue(lines(err).get(0).startsWith("usage: java -jar jmesh-control.jar check DIR"), lines(err).toString());
        assertEquals(1, check(dir.resolve("absent").toString()));
        assertTrue(lines(err).get(2).contains("config directory not found"), lines(err).toString());
    }

    /** The entry point of the jar, in a JVM of its own: the exit status is what a script sees. */
    @Test
    void theMainClassRunsCheckAndExitsWithItsStatus() throws Exception {
        goodDirectory();
        assertEquals(0, main("check", dir.toString()));
        Files.writeString(dir.resolve("billing.yaml"), PolicyCheckTest.BAD_ORDERS);
        assertEquals(1, main("check", dir.toString()));
        assertEquals(2, main("check"));
    }

    private static int main(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ControlMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "check did not finish");
        return process.exitValue();
    }
}

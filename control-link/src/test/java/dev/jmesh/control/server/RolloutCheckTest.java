package dev.jmesh.control.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts files as {@code check DIR} and a replica read them: every refusal at its line and column. */
class RolloutCheckTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int check() {
        return CheckCommand.run(new String[] {dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    List<String> errors() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    void orders() throws Exception {
        Files.writeString(dir.resolve("orders.yaml"), """
                services:
                  orders:
                    endpoints:
                      - { address: 10.0.0.2:80, labels: { version: v1 } }
                      - { address: 10.0.0.3:80, labels: { version: v2 } }
                    subsets: { stable: { version: v1 }, canary: { version: v2 } }
                """);
    }

    static String rollout(String service, String from, String to, String steps) {
        return """
                  %s:
                    from: %s
                    to: %s
                    steps: %s
                    interval: 30s
                    analysis: { minRequests: 100, maxErrorRate: 1%%, maxP99: 250ms }
                """.formatted(service, from, to, steps);
    }

    @Test
    void aGoodRolloutPasses() throws Exception {
        orders();
        Files.writeString(dir.resolve("rollouts.yaml"), "rollouts:\n" + rollout("orders", "stable", "canary", "[ 10, 50, 100 ]"));
        assertEquals(0, check(), errors().toString());
        assertEquals(List.of(dir + ": OK, 2 file(s), 1 service(s) [orders], 1 rollout(s) [orders]"),
                out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void theFileAloneIsCheckedAtLineAndColumn() throws Exception {
        orders();
        Files.writeString(dir.resolve("rollouts.yaml"), "rollouts:\n" + rollout("orders", "stable", "canary", "[ 10, 50, 90 ]")
                + """
                  billing:
                    from: a
                    to: a
                    steps: [ 50, 20, 100 ]
                    interval: soon
                    analysis: { minRequests: 0, maxErrorRate: 1, maxP99: 0.5x }
                """);
        assertEquals(1, check());
        Path file = dir.resolve("rollouts.yaml");
        assertEquals(List.of(
                file + ":5:22: steps must end at 100, not 90: a rollout ends with every call on the new subset",
                file + ":10:9: a rollout moves traffic to another subset: 'to' is 'from'",
                file + ":11:18: steps must rise: 20 after 50",
                file + ":12:15: bad duration 'soon': expected a number and a unit (ms, s, m or h), e.g. 500ms, 2s",
                file + ":13:30: minRequests 0 out of range (expected 1..100000000)",
                file + ":13:47: expected a percentage such as 1% or 0.5%, got '1'",
                file + ":13:58: maxP99 0.5x is below 1x: the old subset itself would fail it",
                dir + ": 7 error(s)"), errors());
    }

    @Test
    void anUnknownServiceOrSubsetAndASecondRolloutOfAServiceAreRefused() throws Exception {
        orders();
        Files.writeString(dir.resolve("a-rollouts.yaml"), "rollouts:\n" + rollout("orders", "stable", "canary", "[ 100 ]")
                + rollout("payments", "stable", "canary", "[ 100 ]"));
        Files.writeString(dir.resolve("b-rollouts.yaml"), "rollouts:\n" + rollout("orders", "stable", "beta", "[ 100 ]"));
        assertEquals(1, check());
        assertEquals(List.of(
                dir.resolve("a-rollouts.yaml") + ":8:3: unknown service 'payments': no policy file of this directory"
                        + " defines it; the rollout is refused",
                dir.resolve("b-rollouts.yaml") + ":2:3: a rollout of 'orders' is already declared in a-rollouts.yaml;"
                        + " this one is refused",
                dir + ": 2 error(s)"), errors());
        Files.delete(dir.resolve("a-rollouts.yaml"));
        err.reset();
        assertEquals(1, check());
        assertEquals(List.of(
                dir.resolve("b-rollouts.yaml") + ":4:9: unknown subset 'beta' of service 'orders' (it has: stable, canary);"
                        + " the rollout is refused",
                dir + ": 1 error(s)"), errors());
    }
}

package dev.jmesh.it;

import static dev.jmesh.it.ControlPlanes.awaitPage;
import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts run by real replicas ({@code jmesh-control.jar}) over real ZooKeeper, judged on what
 * a real agent's calls to real backends did: the splits are read from the backends' own counts.
 */
class RolloutTest {

    private static final String URL = "http://orders/r";
    private static final Pattern WEIGHT = Pattern.compile("jmesh_rollout_weight\\{service=\"orders\",subset=\"canary\"} (\\d+)");
    private static final Pattern PHASE = Pattern.compile("jmesh_rollout_phase\\{service=\"orders\",phase=\"([a-z-]+)\"} 1");

    @TempDir
    Path dir;

    /**
     * The config directory: {@code orders}, its subsets by version, and its rollout. With
     * {@code stable} and {@code canary} its endpoints are listed there; without, they come from
     * the registry.
     */
    private Path configDir(Backend stable, Backend canary, String steps, String interval) throws Exception {
        Path config = Files.createDirectories(dir.resolve("control"));
        Files.writeString(config.resolve("orders.yaml"), """
                services:
                  orders:
                %s    subsets: { stable: { version: v1 }, canary: { version: v2 } }
                    retries: { attempts: 1 }
                """.formatted(stable == null ? "" : """
                            endpoints:
                              - { address: %s, labels: { version: v1 } }
                              - { address: %s, labels: { version: v2 } }
                        """.formatted(stable.address(), canary.address())));
        Files.writeString(config.resolve("rollouts.yaml"), """
                rollouts:
                  orders:
                    from: stable
                    to: canary
                    steps: %s
                    interval: %s
                    analysis: { minRequests: 20, maxErrorRate: 5%%, maxP99: 1s }
                """.formatted(steps, interval));
        return config;
    }

    private AppJvm caller(int adminPort, int... controlPorts) throws Exception {
        StringBuilder servers = new StringBuilder();
        for (int port : controlPorts) {
            servers.append(servers.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        Path policy = Policy.write(dir, """
                workload: web
                admin: { port: %d }
                control:
                  servers: [ %s ]
                """.formatted(adminPort, servers));
        return AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("jdk-sync", "1000000*" + URL, "--pace", "4"));
    }

    /** Waits until the agent routes {@code weight} % of the rollout's calls to the canary. */
    private static void awaitApplied(AppJvm agent, int adminPort, int weight) throws InterruptedException {
        String subset = weight == 0 ? "stable 100%" : "canary " + weight + "%";
        awaitPage(agent, adminPort, "/routes", page -> page.lines()
                .anyMatch(line -> line.startsWith("orders\trollout\t") && line.contains(subset)));
    }

    /**
     * The split the backends saw over the next {@code calls} calls: asserted to be {@code weight}
     * % to the canary, give or take the one call in flight at each end of the count.
     */
    private static void assertSplit(int adminPort, Backend stable, Backend canary, int weight, int calls)
            throws Exception {
        int s0 = stable.hits();
        int c0 = canary.hits();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (stable.hits() + canary.hits() - s0 - c0 < calls && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        int n = stable.hits() + canary.hits() - s0 - c0;
        int toCanary = canary.hits() - c0;
        assertTrue(n >= calls, "only " + n + " calls in 20 s");
        assertTrue(Http.get("http://127.0.0.1:" + adminPort + "/routes").body().lines()
                .anyMatch(line -> line.startsWith("orders\trollout\t") && line.contains("canary " + weight + "%")),
                "the step ended while its calls were counted");
        assertTrue(Math.abs(toCanary - weight * n / 100.0) <= 2, "at " + weight + "%: " + toCanary + " of " + n
                + " calls reached the canary");
    }

    private static int metric(Pattern pattern, String page) {
        Matcher m = pattern.matcher(page);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String rollouts(int controlPort) throws Exception {
        try (AppJvm command = AppJvm.on(Jdk.JDK17).runJar(ControlPlanes.CONTROL_JAR, "rollouts", "--server",
                "127.0.0.1:" + controlPort)) {
            AppJvm.Result result = command.await();
            assertEquals(0, result.exitCode(), result::toString);
            return String.join("\n", result.stdout());
        }
    }

    @Test
    void aHealthyCanaryIsPromotedStepByStepAndAKilledLeaderIsSucceededAtTheSameStep() throws Exception {
        try (Backend stable = Backend.start("stable"); Backend canary = Backend.start("canary")) {
            // Steps long enough to count 200 calls in each on a loaded machine.
            Path config = configDir(stable, canary, "[ 10, 50, 100 ]", "8s");
            int zkPort = FreePort.pick();
            int[] control = {FreePort.pick(), FreePort.pick()};
            int[] metrics = {FreePort.pick(), FreePort.pick()};
            int adminPort = FreePort.pick();
            try (AppJvm zk = ControlPlanes.zooKeeper(dir, zkPort)) {
                List<AppJvm> replicas = new ArrayList<>();
                try {
                    for (int i = 0; i < 2; i++) {
                        replicas.add(ControlPlanes.replica(config, control[i], "--zookeeper", "127.0.0.1:" + zkPort,
                                "--session-timeout", "2s", "--report-interval", "1s",
                                "--metrics", "127.0.0.1:" + metrics[i]));
                    }
                    try (AppJvm app = caller(adminPort, control)) {
                        awaitApplied(app, adminPort, 10);
                        assertSplit(adminPort, stable, canary, 10, 200);
                        awaitApplied(app, adminPort, 50);
                        assertSplit(adminPort, stable, canary, 50, 200);

                        // Kill the replica that leads, mid-step; the other takes over from ZooKeeper.
                        int leader = awaitPage(metrics[0], "/metrics", p -> p.contains("jmesh_rollout_leader")).contains(
                                "jmesh_rollout_leader 1") ? 0 : 1;
                        replicas.get(leader).kill();
                        int survivor = 1 - leader;
                        awaitPage(metrics[survivor], "/metrics", p -> p.contains("jmesh_rollout_leader 1"));

                        awaitApplied(app, adminPort, 100);
                        assertSplit(adminPort, stable, canary, 100, 200);
                        awaitPage(metrics[survivor], "/metrics", p -> "promoted".equals(phase(p)));
                        String shown = rollouts(control[survivor]);
                        // Each step once, in order: started at 1, advanced to 2 and 3, promoted; holds allowed.
                        List<String> steps = new ArrayList<>();
                        Matcher decision = Pattern.compile("step (\\d)\\s+\\d+%\\s+(start|advance|promote)").matcher(shown);
                        while (decision.find()) {
                            steps.add(decision.group(2) + " " + decision.group(1));
                        }
                        assertEquals(List.of("start 1", "advance 2", "advance 3", "promote 3"), steps, shown);
                        assertTrue(shown.contains("promoted"), shown);
                        assertEquals(List.of(), app.stdoutLines().stream().filter(l -> !l.startsWith("RESULT " + URL + " 200"))
                                .toList(), "every call answered");
                    }
                } finally {
                    for (AppJvm r : replicas) {
                        r.close();
                    }
                }
            }
        }
    }

    private static String phase(String page) {
        Matcher m = PHASE.matcher(page);
        return m.find() ? m.group(1) : null;
    }

    /** A workload {@code orders} of {@code version} whose server is {@code backend}: its agent registers it. */
    private AppJvm orders(Backend backend, String version, int controlPort) throws Exception {
        Path policy = Policy.write(dir, """
                workload: orders
                version: %s
                inbound: { port: %d }
                control: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(version, backend.port(), controlPort));
        AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("jdk-sync", "--await-stdin"));
        app.awaitLine("READY"::equals);
        return app;
    }

    @Test
    void aFailingCanaryIsRolledBackWithinAStepAndARestartedLoneReplicaKeepsTheDecision() throws Exception {
        try (Backend stable = Backend.start("stable"); Backend canary = Backend.start("canary")) {
            // This time the subsets are the endpoints two agents of orders registered, v1 and v2.
            Path config = configDir(null, null, "[ 10, 50, 100 ]", "5s");
            int control = FreePort.pick();
            int metrics = FreePort.pick();
            int adminPort = FreePort.pick();
            String[] options = {"--report-interval", "1s", "--metrics", "127.0.0.1:" + metrics};
            AppJvm replica = ControlPlanes.replica(config, control, options);
            try (AppJvm v1 = orders(stable, "v1", control); AppJvm v2 = orders(canary, "v2", control);
                 AppJvm app = caller(adminPort, control)) {
                awaitPage(app, adminPort, "/clusters", page -> page.contains("orders\t" + stable.address())
                        && page.contains("orders\t" + canary.address()));
                awaitApplied(app, adminPort, 50);
                // The canary starts failing 20 % of its calls.
                int callsBefore = app.stdoutLines().size();
                long failing = System.nanoTime();
                canary.failingEvery(5);
                awaitPage(metrics, "/metrics", p -> "rolled-back".equals(phase(p)));
                double seconds = (System.nanoTime() - failing) / 1e9;
                assertTrue(seconds < 5, "rolled back " + seconds + " s after the canary began failing (interval 5 s)");
                awaitApplied(app, adminPort, 0);
                int canaryAfter = canary.hits();
                stable.awaitHits(stable.hits() + 200);
                assertTrue(canary.hits() - canaryAfter <= 1, "the canary still gets calls after the rollback");

                // No more failed calls than the canary's share (50 %) of one interval's calls.
                List<String> since = app.stdoutLines().subList(callsBefore, app.stdoutLines().size());
                long failed = since.stream().filter(l -> !l.startsWith("RESULT " + URL + " 200")).count();
                double callsPerSecond = since.size() / ((System.nanoTime() - failing) / 1e9);
                assertTrue(failed > 0 && failed <= 0.5 * 5 * callsPerSecond, failed + " failed calls of " + since.size()
                        + ", at " + Math.round(callsPerSecond) + " calls/s");

                String shown = rollouts(control);
                assertTrue(shown.contains("rolled back from 50% to 0%: error rate"), shown);
                assertEquals(0, metric(WEIGHT, awaitPage(metrics, "/metrics", p -> true)));

                // Without ZooKeeper the state is a file of the config directory: a restart keeps the rollback.
                replica.kill();
                // The agent, its link lost, keeps the split it was given.
                awaitPage(app, adminPort, "/metrics", page -> page.contains("jmesh_control_link_connected 0"));
                awaitApplied(app, adminPort, 0);
                replica = ControlPlanes.replica(config, control, options);
                String again = rollouts(control);
                assertTrue(again.contains("rolled-back") && again.contains("rolled back from 50% to 0%: error rate"), again);
                assertTrue(Files.exists(config.resolve(".rollouts.state")));
            } finally {
                replica.close();
            }
        }
    }
}

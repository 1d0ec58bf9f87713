package dev.jmesh.it;

import static dev.jmesh.it.ControlPlanes.awaitPage;
import static dev.jmesh.it.ControlPlanes.backends;
import static dev.jmesh.it.ControlPlanes.writeAtomically;
import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code jmesh-control.jar} (no ZooKeeper) pushing to real agents: an endpoint change
 * measured end to end, a bad policy NACKed, the control plane killed under load, and an app
 * restarted while it is down.
 */
class ControlPlaneTest {

    static final String URL = "http://orders/c";

    @TempDir
    Path dir;

    Path configDir() throws Exception {
        return Files.createDirectories(dir.resolve("control"));
    }

    static String orders(String endpoint, String extra) {
        return "services:\n  orders:\n    endpoints: [ " + endpoint + " ]\n"
                + "    retries: { attempts: 3, retryOn: [ connect-failure, reset ] }\n" + extra;
    }

    Path agentPolicy(int controlPort, int adminPort, String extra) {
        return Policy.write(dir, """
                workload: web
                admin: { port: %d }
                control:
                  servers: [ "127.0.0.1:%d" ]
                  cacheDir: %s
                """.formatted(adminPort, controlPort, dir.resolve("cache")) + extra);
    }

    @Test
    void anEndpointChangeReachesARunningAppWithinASecondAndABadPolicyIsNacked() throws Exception {
        try (Backend x = Backend.start("x"); Backend y = Backend.start("y")) {
            Path config = configDir();
            Path file = config.resolve("orders.yaml");
            Files.writeString(file, orders(x.address(), ""));
            int controlPort = FreePort.pick();
            int adminPort = FreePort.pick();
            try (AppJvm replica = ControlPlanes.replica(config, controlPort);
                 AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(agentPolicy(controlPort, adminPort, ""))
                         .classPath(AppJvm.classPath("okhttp4"))
                         .run(CALLER, List.of("jdk-sync", "--await-stdin", "600*" + URL, "--pace", "5"))) {
                awaitPage(adminPort, "/clusters", page -> page.contains("orders\t" + x.address()));
                app.awaitLine("READY"::equals);
                app.writeLine("go");
                app.awaitLines(line -> line.startsWith("RESULT "), 50);

                // The endpoint change, timed from the file write to the first call that reaches it.
                long written = System.nanoTime();
                writeAtomically(file, orders(y.address(), ""));
                long deadline = written + 5_000_000_000L;
                while (y.firstHitNanos() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(y.firstHitNanos() != 0, "the new endpoint was never called: " + app.stderrLines());
                long millis = (y.firstHitNanos() - written) / 1_000_000;
                System.out.println("control plane propagation: config write -> first call on the new endpoint = "
                        + millis + " ms");
                assertTrue(millis < 1000, "the change took " + millis + " ms");

                // A bad policy (a route to a subset the service does not define) is refused by the
                // replica with the agent's own parser, at its line and column: no agent ever sees it,
                // and routing goes on.
                int before = y.hits();
                writeAtomically(file, orders(y.address(), """
                            subsets: { v1: { version: v1 } }
                            routes:
                              - { name: canary, to: v2 }
                        """));
                replica.awaitErrorLine(line -> line.contains("orders.yaml:7:29: unknown subset 'v2' (expected one of: v1)"));
                while (y.hits() < before + 20) {
                    Thread.sleep(5);
                }
                String metrics = awaitPage(adminPort, "/metrics", page -> page.contains("jmesh_control_link_connected 1"));
                assertTrue(metrics.contains("jmesh_control_push_total{result=\"ack\"} 2")
                        && metrics.contains("jmesh_control_push_total{result=\"nack\"} 0"), metrics);

                // Routes pushed by the control plane apply as the file's would, and the agent shows them.
                writeAtomically(file, orders("{ address: " + y.address() + ", labels: { version: v1 } }", """
                            subsets: { v1: { version: v1 } }
                            routes:
                              - { name: stable, match: { path: { prefix: /c } }, to: v1 }
                        """));
                awaitPage(adminPort, "/routes", page -> page.contains("orders\tstable\tpath prefix /c\tv1 100%"));
                awaitPage(adminPort, "/clusters", page -> page.contains("orders\t" + y.address() + "\thealthy")
                        && page.contains("\tv1\n"));

                AppJvm.Result result = app.await();
                assertEquals(List.of(), result.errors(), result::toString);
                assertEquals(Map.of(200, 600), result.statusesFor(URL), result::toString);
                // One switch, never back: the swap is atomic.
                List<String> order = backends(result.stdout(), URL);
                int first = order.indexOf("y");
                assertTrue(first > 0 && order.subList(first, order.size()).stream().allMatch("y"::equals), order.toString());
            }
        }
    }

    @Test
    void aKilledControlPlaneCostsNoCallAndARestartedAppRoutesFromTheCache() throws Exception {
        try (Backend x = Backend.start("x")) {
            Path config = configDir();
            Files.writeString(config.resolve("orders.yaml"), orders(x.address(), ""));
            int controlPort = FreePort.pick();
            int adminPort = FreePort.pick();
            // With a token this time: the replica requires it, the agent reads it from control.tokenFile.
            Path token = Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
            Path policy = agentPolicy(controlPort, adminPort, "  tokenFile: " + token + "\n");
            try (AppJvm replica = ControlPlanes.replica(config, controlPort, "--token-file", token.toString());
                 AppJvm app = AppJvm.on(Jdk.JDK25).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                         .run(CALLER, List.of("okhttp-sync", "--await-stdin", "300*" + URL, "--pace", "5"))) {
                awaitPage(adminPort, "/clusters", page -> page.contains("orders\t" + x.address()));
                app.awaitLine("READY"::equals);
                app.writeLine("go");
                app.awaitLines(line -> line.startsWith("RESULT "), 50);
                replica.kill();
                awaitPage(adminPort, "/metrics", page -> page.contains("jmesh_control_link_connected 0"));
                AppJvm.Result result = app.await();
                assertEquals(List.of(), result.errors(), result::toString);
                assertEquals(Map.of(200, 300), result.statusesFor(URL), result::toString);
                assertTrue(result.stderr().stream().anyMatch(l -> l.contains("control: lost link to 127.0.0.1:" + controlPort)),
                        result.stderr().toString());
            }
            assertTrue(Files.isRegularFile(dir.resolve("cache/web.snapshot.yaml")));

            // Restarted while the control plane is still down: it routes from the cache at once.
            try (AppJvm restarted = AppJvm.on(Jdk.JDK25).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                    .run(CALLER, List.of("okhttp-sync", "20*" + URL))) {
                AppJvm.Result result = restarted.await();
                assertEquals(List.of(), result.errors(), result::toString);
                assertEquals(Map.of("x", 20), result.backendsFor(URL), result::toString);
                assertTrue(result.stderr().stream().anyMatch(l -> l.contains("control: starting from cached snapshot")),
                        result.stderr().toString());
            }
        }
    }
}

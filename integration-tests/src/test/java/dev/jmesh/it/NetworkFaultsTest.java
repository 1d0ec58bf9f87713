package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default policy (a service with nothing but its endpoints) under real network faults:
 * three backends on their own test hosts ({@link TestHosts}), the JDK client (no timeouts of
 * its own, as most applications) calling every 50 ms, and one host failing mid-run. With every
 * fault, no call fails, and none but the first that met the fault takes a second.
 */
class NetworkFaultsTest {

    static final String URL = "http://orders/";
    static final int CALLS = 340;
    static final int FAULT_AFTER = 100; // 5 s: past the first seconds, whose cold calls set the bound higher
    static final int PORT = 8080;
    static final int SLOW_PORT = 8081;
    static final int LINE_PORT = 8082;

    static TestHosts hosts;

    @TempDir
    Path dir;
    final AppJvm[] backends = new AppJvm[3];

    @BeforeAll
    static void makeHosts() throws Exception {
        String unavailable = TestHosts.unavailable();
        if (unavailable != null) {
            System.err.println("NetworkFaultsTest: " + unavailable);
        }
        Assumptions.assumeTrue(unavailable == null, unavailable);
        hosts = TestHosts.create(3);
    }

    @AfterAll
    static void removeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @BeforeEach
    void startBackends() throws Exception {
        for (int i = 1; i <= 3; i++) {
            backends[i - 1] = hosts.host(i).run(AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath()),
                    "dev.jmesh.it.app.ServerApp", List.of("http", Integer.toString(PORT), "h" + i));
            backends[i - 1].awaitLine("LISTENING"::equals);
        }
    }

    @AfterEach
    void stopBackendsAndHeal() throws Exception {
        for (AppJvm backend : backends) {
            if (backend != null) {
                backend.kill();
            }
        }
        for (int i = 1; i <= 3; i++) {
            hosts.host(i).heal();
        }
    }

    @Test
    void aHostThatGoesSilentCostsOneBoundedAttemptPerCallUntilItIsEjected() throws Exception {
        assertNoCallFailsNorStalls("silent host", () -> hosts.host(2).goSilent(), PORT);
    }

    @Test
    void aHostThatRefusesIsFailedOverAtOnce() throws Exception {
        assertNoCallFailsNorStalls("refusing host", () -> hosts.host(2).refuse(), PORT);
    }

    @Test
    void aServerThatStopsLeavingItsConnectionsHalfOpenIsFailedOver() throws Exception {
        assertNoCallFailsNorStalls("half-open (SIGSTOP)", () -> backends[1].pause(), PORT);
    }

    @Test
    void aSlowHostIsNeitherCutOffNorEjected() throws Exception {
        // 150 ms each way in front of host 3's server: slow, not broken.
        hosts.host(3).run(AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath()), "dev.jmesh.it.app.DelayProxy",
                List.of(Integer.toString(SLOW_PORT), "127.0.0.1:" + PORT, "150")).awaitLine("LISTENING"::equals);
        AppJvm.Result result = calls(120, 0, () -> { }, SLOW_PORT);
        assertEquals(List.of(), result.errors(), result::toString);
        long slowServed = result.linesFor(URL).stream().filter(line -> line.contains("name=h3")).count();
        // Round-robin: a third each. A bound cutting the slow host's calls would move them to the others.
        assertEquals(40, slowServed, 2, "the slow host kept its share: " + result);
        for (String line : result.linesFor(URL)) {
            if (line.contains("name=h3")) {
                assertTrue(AppJvm.Result.millis(line) >= 300, "the slow host's answer, not a retry elsewhere: " + line);
            }
        }
    }

    @Test
    void blockingTcpConnectsOfEveryKindFailOverFromASilentHost() throws Exception {
        List<AppJvm> servers = List.of(lineServer(1), lineServer(2));
        hosts.host(2).goSilent();
        Path policy = Policy.write(dir, """
                services:
                  lines:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                """.formatted(hosts.host(2).at(LINE_PORT), hosts.host(1).at(LINE_PORT)));
        // No connect timeout of the application's own: the JDK's default is the kernel's two minutes.
        AppJvm.Result result;
        try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                .run("dev.jmesh.it.app.TcpCallerApp", List.of("lines", "1", "socket,channel,adaptor", "8", "--timed"))) {
            result = caller.await();
        } finally {
            for (AppJvm server : servers) {
                server.kill();
            }
        }
        List<String> connected = result.stdout().stream().filter(line -> line.startsWith("CONNECTED ")).toList();
        assertEquals(List.of(), result.errors(), result::toString);
        assertEquals(24, connected.size(), result::toString);
        assertTrue(connected.stream().allMatch(line -> line.contains(" h1 ")), result::toString);
        long worst = connected.stream().mapToLong(AppJvm.Result::millis).max().orElseThrow();
        long metSilentHost = connected.stream().filter(line -> AppJvm.Result.millis(line) >= 500).count();
        System.out.printf("silent host, tcp, default policy: %d connects, 0 failed, %d met the silent host, worst %d ms%n",
                connected.size(), metSilentHost, worst);
        // A connect that meets the silent host gives up at the fail-over bound (1 s while the
        // service has fewer than 20 connect times), not at the 10 s default connect timeout;
        // after 5 such, the host is ejected.
        assertTrue(worst < 2500, "a connect took " + worst + " ms: " + connected);
        assertTrue(metSilentHost <= 5, "the silent host was not ejected: " + connected);
    }

    private AppJvm lineServer(int host) throws Exception {
        AppJvm server = hosts.host(host).run(AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath()),
                "dev.jmesh.it.app.ServerApp", List.of("socket", Integer.toString(LINE_PORT), "h" + host));
        server.awaitLine("LISTENING"::equals);
        return server;
    }

    @Test
    void anAgentPartitionedFromTheControlPlaneKeepsRoutingNoticesAndReconnectsWhenItHeals() throws Exception {
        Path config = Files.createDirectories(dir.resolve("control"));
        Files.writeString(config.resolve("orders.yaml"), """
                services:
                  orders:
                    endpoints: [ %s, %s ]
                """.formatted(hosts.host(2).at(PORT), hosts.host(3).at(PORT)));
        TestHosts.Host controlHost = hosts.host(1);
        String control = controlHost.at(15010);
        // Off this machine's loopback the link is TLS: the replica's certificate from the mesh's CA.
        Path ca = dir.resolve("ca");
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("ca", "init", ca.toString())) {
            assertEquals(0, cli.await().exitCode());
        }
        AppJvm replica = controlHost.runJar(AppJvm.on(Jdk.JDK17), ControlPlanes.CONTROL_JAR,
                "--listen", control, "--config", config.toString(), "--ca", ca.toString(),
                "--identity-tokens", Files.createDirectories(dir.resolve("tokens")).toString());
        replica.awaitErrorLine(line -> line.contains("listening on"));
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: web
                admin: { port: %d }
                control:
                  servers: [ "%s" ]
                  trustBundle: "%s"
                """.formatted(adminPort, control, ca.resolve("ca.pem")));
        try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run("dev.jmesh.it.app.CallerApp", List.of("jdk-sync", "--await-stdin", "700*" + URL,
                        "--pace", "50"))) {
            ControlPlanes.awaitPage(caller, adminPort, "/config", page -> page.contains("orders"));
            caller.awaitLine("READY"::equals);
            caller.writeLine("go");
            caller.awaitLines(line -> line.startsWith("RESULT "), 20);

            long partitioned = System.nanoTime();
            controlHost.goSilent();
            caller.awaitErrorLine(line -> line.contains("control: lost link to " + control));
            long noticedMillis = (System.nanoTime() - partitioned) / 1_000_000;
            controlHost.heal();
            long healed = System.nanoTime();
            caller.awaitErrorLines(line -> line.contains("control: connected to " + control), 2);
            long reconnectedMillis = (System.nanoTime() - healed) / 1_000_000;
            System.out.printf("control plane partitioned from an agent: noticed after %d ms (PING after 5 s of"
                    + " silence, dead after 15 s), reconnected %d ms after it healed%n", noticedMillis, reconnectedMillis);
            // Dead 15 s after the last message from the server; a loaded machine adds a little.
            assertTrue(noticedMillis < 20_000, "the partition was noticed after " + noticedMillis + " ms");
            assertTrue(reconnectedMillis < 10_000, "reconnected " + reconnectedMillis + " ms after it healed");

            AppJvm.Result result = caller.await();
            assertEquals(List.of(), result.errors(), "routing never stopped: " + result);
            assertEquals(700, result.linesFor(URL).size(), result::toString);
        }
    }

    interface Fault {
        void apply() throws Exception;
    }

    private void assertNoCallFailsNorStalls(String fault, Fault apply, int port) throws Exception {
        AppJvm.Result result = calls(CALLS, FAULT_AFTER, apply, port);
        List<String> lines = result.linesFor(URL);
        assertEquals(List.of(), result.errors(), fault + ": " + result);
        assertEquals(CALLS, lines.size(), result::toString);
        List<String> afterFault = lines.subList(FAULT_AFTER, lines.size());
        int firstMet = -1;
        long worst = 0;
        long worstAfterFirst = 0;
        for (int i = 0; i < afterFault.size(); i++) {
            long millis = AppJvm.Result.millis(afterFault.get(i));
            worst = Math.max(worst, millis);
            if (firstMet < 0 && millis >= 200) {
                firstMet = i;
            } else if (firstMet >= 0) {
                worstAfterFirst = Math.max(worstAfterFirst, millis);
            }
        }
        long slowCalls = afterFault.stream().filter(line -> AppJvm.Result.millis(line) >= 200).count();
        System.out.printf("%s, default policy: %d calls after the fault, 0 failed, %d took 200 ms or more, worst %d ms,"
                + " worst after the first that met the fault %d ms%n", fault, afterFault.size(), slowCalls, worst,
                worstAfterFirst);
        assertTrue(worstAfterFirst < 1000, fault + ": a call after the first that met the fault took "
                + worstAfterFirst + " ms; " + afterFault);
        assertTrue(slowCalls <= 10, fault + ": the faulty host was not ejected: " + slowCalls + " slow calls");
    }

    /** {@code count} JDK-client calls every 50 ms; {@code fault} applied once {@code faultAfter} have answered. */
    private AppJvm.Result calls(int count, int faultAfter, Fault fault, int lastPort) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                """.formatted(hosts.host(1).at(PORT), hosts.host(2).at(PORT), hosts.host(3).at(lastPort)));
        try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run("dev.jmesh.it.app.CallerApp", List.of("jdk-sync", count + "*" + URL, "--pace", "50"))) {
            if (faultAfter > 0) {
                caller.awaitLines(line -> line.startsWith("RESULT ") || line.startsWith("ERROR "), faultAfter);
                fault.apply();
            }
            return caller.await();
        }
    }
}

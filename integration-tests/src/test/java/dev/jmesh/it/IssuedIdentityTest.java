package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane as the mesh's CA: two real agents with no certificate files get theirs from
 * two real {@code jmesh-control} replicas sharing one CA directory, over their links, with their
 * bootstrap tokens; they talk mutual TLS and renew short-lived certificates under load while the
 * replica they are linked to is killed.
 */
class IssuedIdentityTest {

    @TempDir
    static Path dir;

    /** A mesh CA made by {@code ca init} in {@code DIR/ca}, and bootstrap tokens for orders and frontend. */
    record MeshCa(Path ca, Path tokens, Path ordersToken, Path frontendToken) {
        static MeshCa create(Path dir) throws Exception {
            Path ca = dir.resolve("ca");
            try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("ca", "init", ca.toString(), "--trust-domain", TrustDomain.NAME)) {
                assertEquals(0, cli.await().exitCode());
            }
            Path tokens = Files.createDirectories(dir.resolve("tokens").resolve("default"));
            return new MeshCa(ca, tokens.getParent(), Files.writeString(tokens.resolve("orders"), "orders-token\n"),
                    Files.writeString(tokens.resolve("frontend"), "frontend-token\n"));
        }

        /** A replica's arguments that make it this CA, and {@code extra}. */
        String[] replicaArgs(String... extra) {
            List<String> args = new ArrayList<>(List.of("--ca", ca.toString(), "--identity-tokens", tokens.toString()));
            args.addAll(List.of(extra));
            return args.toArray(String[]::new);
        }
    }

    @Test
    void agentsWithoutCertificateFilesGetRenewAndKeepServingThroughAReplicaRestart() throws Exception {
        MeshCa mesh = MeshCa.create(dir);
        Path ca = mesh.ca();
        Path ordersToken = mesh.ordersToken();
        Path frontendToken = mesh.frontendToken();
        Path config = Files.createDirectories(dir.resolve("config"));
        int[] replicaPorts = {FreePort.pick(), FreePort.pick()};
        String[] caArgs = mesh.replicaArgs("--certificate-lifetime", "12s");
        AppJvm first = ControlPlanes.replica(config, replicaPorts[0], caArgs);
        AppJvm second = ControlPlanes.replica(config, replicaPorts[1], caArgs);
        String servers = "control: { servers: [ \"127.0.0.1:" + replicaPorts[0] + "\", \"127.0.0.1:" + replicaPorts[1]
                + "\" ], tokenFile: \"%s\", trustBundle: \"" + ca.resolve("ca.pem") + "\" }\n";
        String identity = "identity: { trustDomain: " + TrustDomain.NAME + " }\n";
        int port = FreePort.pick();
        try (AppJvm orders = AppJvm.on(Jdk.JDK17).withAgent(Policy.write(dir, "workload: orders\n" + identity
                        + servers.formatted(ordersToken) + "inbound: { port: " + port + ", mtls: strict }\n"))
                     .classPath(AppJvm.classPath())
                     .run(ServerApp.class.getName(), List.of("http", Integer.toString(port), "orders", "--close"));
             AppJvm impostor = AppJvm.on(Jdk.JDK17).withAgent(Policy.write(dir, "workload: orders\n" + identity
                             + servers.formatted(frontendToken)))
                     .classPath(AppJvm.classPath()).run(CallerApp.class.getName(), List.of("jdk-sync", "--hold"))) {
            orders.awaitLine("LISTENING"::equals);
            orders.awaitErrorLine(l -> l.contains("identity: now " + TrustDomain.id("orders")));
            impostor.awaitErrorLine(l -> l.contains("the control plane refused a certificate for "
                    + TrustDomain.id("orders") + ": the token is for " + TrustDomain.id("frontend")));

            try (AppJvm frontend = AppJvm.on(Jdk.JDK17).withAgent(Policy.write(dir, "workload: frontend\n" + identity
                            + servers.formatted(frontendToken) + """
                            services:
                              orders:
                                endpoints: [ 127.0.0.1:%d ]
                                tls: { mode: mutual, serverIdentity: "%s" }
                            """.formatted(port, TrustDomain.id("orders"))))
                    .classPath(AppJvm.classPath())
                    .run(CallerApp.class.getName(), List.of("jdk-sync", "--await-stdin", "600*http://orders/r",
                            "--pace", "40"))) {
                frontend.awaitErrorLine(l -> l.contains("identity: now " + TrustDomain.id("frontend")));
                frontend.awaitLine("READY"::equals);
                frontend.writeLine("go");
                frontend.awaitLines(l -> l.startsWith("RESULT "), 150); // ~6 s in: one renewal behind
                AppJvm linked = first; // agents try the first server first
                linked.kill();
                AppJvm.Result calls = frontend.await();
                assertEquals(List.of(), calls.errors(), "no call failed");
                List<String> served = calls.stdout().stream().filter(l -> l.startsWith("RESULT http://orders/r 200 "))
                        .toList();
                assertEquals(600, served.size(), calls.toString());
                List<String> callerCertificates = callerHashes(calls);
                assertTrue(callerCertificates.size() >= 3, "the caller renewed at least twice (12 s certificates over"
                        + " ~24 s), once through the second replica: " + callerCertificates);
                assertTrue(served.stream().allMatch(l -> l.contains(";URI=" + TrustDomain.id("frontend") + " ")));
            }
            assertTrue(second.stderrLines().stream().anyMatch(l -> l.contains("issued " + TrustDomain.id("frontend"))),
                    "the second replica renewed the caller's certificate: " + second.stderrLines());
            assertTrue(second.stderrLines().stream().anyMatch(l -> l.contains("issued " + TrustDomain.id("orders"))),
                    "and the server's");
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * {@code identity.issuedFiles}: the caller's issued identity is kept owner-only on disk, and
     * the caller restarted with every replica down presents the same certificate at once.
     */
    @Test
    void aKeptIdentityCarriesARestartedAgentWithEveryReplicaDown() throws Exception {
        Path own = Files.createDirectories(dir.resolve("kept"));
        MeshCa mesh = MeshCa.create(own);
        int replicaPort = FreePort.pick();
        AppJvm replica = ControlPlanes.replica(Files.createDirectories(own.resolve("config")), replicaPort,
                mesh.replicaArgs());
        String control = "control: { servers: [ \"127.0.0.1:" + replicaPort + "\" ], tokenFile: \"%s\", trustBundle: \""
                + mesh.ca().resolve("ca.pem") + "\" }\n";
        Path ordersToken = mesh.ordersToken();
        Path frontendToken = mesh.frontendToken();
        Path kept = own.resolve("frontend-identity");
        int port = FreePort.pick();
        Path frontendPolicy = Policy.write(dir, "workload: frontend\n"
                + "identity: { trustDomain: " + TrustDomain.NAME + ", issuedFiles: \"" + kept + "\" }\n"
                + control.formatted(frontendToken) + """
                services:
                  orders:
                    endpoints: [ 127.0.0.1:%d ]
                    tls: { mode: mutual, serverIdentity: "%s" }
                """.formatted(port, TrustDomain.id("orders")));
        try (AppJvm orders = AppJvm.on(Jdk.JDK17).withAgent(Policy.write(dir, "workload: orders\n"
                        + "identity: { trustDomain: " + TrustDomain.NAME + " }\n" + control.formatted(ordersToken)
                        + "inbound: { port: " + port + ", mtls: strict }\n"))
                .classPath(AppJvm.classPath()).run(ServerApp.class.getName(), List.of("http", Integer.toString(port), "orders"))) {
            orders.awaitLine("LISTENING"::equals);
            orders.awaitErrorLine(l -> l.contains("identity: now " + TrustDomain.id("orders")));
            String issued;
            try (AppJvm frontend = AppJvm.on(Jdk.JDK17).withAgent(frontendPolicy).classPath(AppJvm.classPath())
                    .run(CallerApp.class.getName(), List.of("jdk-sync", "--await-stdin", "1*http://orders/r"))) {
                frontend.awaitErrorLine(l -> l.contains("identity: now " + TrustDomain.id("frontend")));
                frontend.awaitLine("READY"::equals);
                frontend.writeLine("go");
                AppJvm.Result first = frontend.await();
                assertEquals(Map.of(200, 1), first.statusesFor("http://orders/r"), first.toString());
                issued = callerHashes(first).get(0);
            }
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(kept.resolve("key.pem")));
            replica.close(); // no replica from here on

            try (AppJvm restarted = AppJvm.on(Jdk.JDK17).withAgent(frontendPolicy).classPath(AppJvm.classPath())
                    .run(CallerApp.class.getName(), List.of("jdk-sync", "3*http://orders/r"))) {
                AppJvm.Result again = restarted.await();
                assertEquals(Map.of(200, 3), again.statusesFor("http://orders/r"), again.toString());
                assertEquals(List.of(issued), callerHashes(again), "the kept certificate, presented at once");
            }
        } finally {
            replica.close();
        }
    }

    /** The distinct caller certificates the server saw, from its echo of {@code x-forwarded-client-cert}. */
    private static List<String> callerHashes(AppJvm.Result result) {
        return result.stdout().stream().filter(l -> l.startsWith("RESULT http://orders/r 200 "))
                .map(l -> l.substring(l.indexOf(";Hash=") + 6, l.indexOf(";URI="))).distinct().collect(Collectors.toList());
    }
}

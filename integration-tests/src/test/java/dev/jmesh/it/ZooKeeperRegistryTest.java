package dev.jmesh.it;

import static dev.jmesh.it.ControlPlanes.awaitPage;
import static dev.jmesh.it.ControlPlanes.backends;
import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper and two control-plane replicas: two agents, each linked to a different
 * replica, register their inbound ports and discover each other; one replica dies under load
 * and its agent reconnects to the other without a failed call; a killed agent's endpoint
 * disappears from the other agents' routes, and a cleanly stopped one deregisters at once (GOODBYE).
 *
 * <p>The agents run the caller application; a loopback backend stands in for each one's own
 * server on its {@code inbound.port}.
 */
class ZooKeeperRegistryTest {

    @TempDir
    Path dir;

    Path agentPolicy(String workload, int inboundPort, int adminPort, int... replicas) {
        StringBuilder servers = new StringBuilder();
        for (int port : replicas) {
            servers.append(servers.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        return Policy.write(dir, """
                workload: %s
                admin: { port: %d }
                inbound: { port: %d }
                control: { servers: [ %s ] }
                """.formatted(workload, adminPort, inboundPort, servers));
    }

    @Test
    void agentsRegisterDiscoverEachOtherAndSurviveAReplicasDeath() throws Exception {
        Path config = Files.createDirectories(dir.resolve("control"));
        int zkPort = FreePort.pick();
        int r1Port = FreePort.pick();
        int r2Port = FreePort.pick();
        int alphaAdmin = FreePort.pick();
        int betaAdmin = FreePort.pick();
        int gammaAdmin = FreePort.pick();
        String zk = "127.0.0.1:" + zkPort;
        try (AppJvm zooKeeper = ControlPlanes.zooKeeper(dir, zkPort);
             AppJvm r1 = ControlPlanes.replica(config, r1Port, "--zookeeper", zk, "--session-timeout", "2s");
             AppJvm r2 = ControlPlanes.replica(config, r2Port, "--zookeeper", zk, "--session-timeout", "2s");
             Backend alphaServer = Backend.start("alpha");
             Backend betaServer = Backend.start("beta");
             // alpha links to r1 first, beta to r2: what each discovers went through ZooKeeper.
             AppJvm alpha = AppJvm.on(Jdk.JDK17).withAgent(agentPolicy("alpha", alphaServer.port(), alphaAdmin, r1Port, r2Port))
                     .classPath(AppJvm.classPath("okhttp4"))
                     .run(CALLER, List.of("jdk-sync", "--await-stdin", "300*http://beta/a", "--pace", "10", "--hold"));
             AppJvm beta = AppJvm.on(Jdk.JDK25).withAgent(agentPolicy("beta", betaServer.port(), betaAdmin, r2Port, r1Port))
                     .classPath(AppJvm.classPath("okhttp4"))
                     .run(CALLER, List.of("okhttp-sync", "--await-stdin", "300*http://alpha/b", "--pace", "10", "--hold"));
             // gamma only watches: it makes no call and has no inbound port.
             AppJvm gamma = AppJvm.on(Jdk.JDK17).withAgent(Policy.write(dir, "workload: gamma\nadmin: { port: "
                             + gammaAdmin + " }\ncontrol: { servers: [ \"127.0.0.1:" + r2Port + "\" ] }\n"))
                     .classPath(AppJvm.classPath("okhttp4")).run(CALLER, List.of("jdk-sync", "--hold"))) {
            awaitPage(alpha, alphaAdmin, "/clusters", page -> page.contains("beta\t" + betaServer.address()));
            awaitPage(beta, betaAdmin, "/clusters", page -> page.contains("alpha\t" + alphaServer.address()));
            assertTrue(awaitPage(alpha, alphaAdmin, "/config", page -> page.contains("# control: connected to"))
                    .contains("# control: connected to 127.0.0.1:" + r1Port));
            alpha.awaitLine("READY"::equals);
            beta.awaitLine("READY"::equals);
            alpha.writeLine("go");
            beta.writeLine("go");

            // alpha's replica dies under load: alpha reconnects to r2, which registers it anew.
            alpha.awaitLines(line -> line.startsWith("RESULT "), 50);
            r1.kill();
            awaitPage(alpha, alphaAdmin, "/config", page -> page.contains("# control: connected to 127.0.0.1:" + r2Port));
            awaitPage(alpha, alphaAdmin, "/metrics", page -> page.contains("jmesh_control_link_connected 1"));

            alpha.awaitLine("DONE"::equals);
            beta.awaitLine("DONE"::equals);
            for (AppJvm app : List.of(alpha, beta)) {
                assertEquals(List.of(), app.stdoutLines().stream().filter(l -> l.startsWith("ERROR ")).toList(),
                        app.stderrLines()::toString);
            }
            assertEquals(300, backends(alpha.stdoutLines(), "http://beta/a").stream().filter("beta"::equals).count());
            assertEquals(300, backends(beta.stdoutLines(), "http://alpha/b").stream().filter("alpha"::equals).count());
            // r1's ZooKeeper session expired by now or soon; alpha stays registered through r2.
            Thread.sleep(2500);
            assertTrue(awaitPage(beta, betaAdmin, "/clusters", page -> true).contains("alpha\t" + alphaServer.address()));

            // A killed agent (no GOODBYE): its link drops, r2 deletes its node, the others stop routing to it.
            awaitPage(gamma, gammaAdmin, "/clusters", page -> page.contains("alpha\t") && page.contains("beta\t"));
            long killed = System.nanoTime();
            alpha.kill();
            awaitPage(beta, betaAdmin, "/clusters", page -> !page.contains("alpha\t"));
            System.out.println("killed agent's endpoint gone from the other agent after "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms");

            // A clean exit says GOODBYE: deregistered at once.
            beta.writeLine("exit");
            assertEquals(0, beta.await().exitCode());
            r2.awaitErrorLine(line -> line.contains("link beta@127.0.0.1")
                    && line.contains("GOODBYE, 127.0.0.1:" + betaServer.port() + " deregistered"));
            awaitPage(gamma, gammaAdmin, "/clusters", page -> !page.contains("beta\t"));
            gamma.writeLine("exit");
        }
    }
}

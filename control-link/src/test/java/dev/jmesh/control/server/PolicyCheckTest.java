package dev.jmesh.control.server;

import static dev.jmesh.control.server.LinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.control.client.ControlLinkClient;
import dev.jmesh.control.client.LinkOptions;
import dev.jmesh.control.registry.InMemoryRegistry;
import dev.jmesh.control.registry.RegisteredEndpoint;
import dev.jmesh.control.registry.Registry;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ParseResult;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica checks policy with the agent's own parser before any of it reaches an agent; the
 * agents here, linked over real loopback sockets, judge every push with that parser too.
 */
class PolicyCheckTest {

    /** Two mistakes, at 4:15 and 5:14. */
    static final String BAD_ORDERS = """
            services:
              orders:
                endpoints: [ 10.0.0.2:80 ]
                balancer: round-robbin
                timeout: 5 seconds
            """;

    @TempDir
    Path dir;
    final InMemoryRegistry registry = new InMemoryRegistry();
    final List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    ControlPlane plane() throws Exception {
        ControlPlane plane = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), dir, registry,
                ControlPlane.Options.defaults(), serverLog::add);
        toClose.add(plane);
        return plane;
    }

    /** An agent of {@code workload} that applies a push only if the policy parser accepts it, as a real one does. */
    LinkTest.Recorder agent(ControlPlane plane, String workload, int inbound) {
        LinkTest.Recorder r = new LinkTest.Recorder();
        r.verdict = yaml -> {
            ParseResult parsed = ConfigParser.parsePushed(yaml, "snapshot");
            return parsed.ok() ? null : parsed.errors().toString();
        };
        LinkOptions options = LinkOptions.defaults(List.of("127.0.0.1:" + plane.port()), workload, () -> "", inbound,
                r.log::add);
        ControlLinkClient client = new ControlLinkClient(options, r, "").start();
        toClose.add(client);
        return r;
    }

    void write(String file, String yaml) throws Exception {
        Path tmp = dir.resolve("." + file + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    boolean logged(String line) {
        return serverLog.contains(line);
    }

    long loggedStartingWith(String prefix) {
        synchronized (serverLog) {
            return serverLog.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    boolean anyPushContains(LinkTest.Recorder r, String text) {
        synchronized (r.documents) {
            return r.documents.stream().anyMatch(d -> d.contains(text));
        }
    }

    @Test
    void aFileWithErrorsIsRefusedAtItsLineAndColumnAndAgentsKeepTheLastGoodSnapshot() throws Exception {
        write("orders.yaml", LinkTest.ORDERS_V1);
        ControlPlane plane = plane();
        LinkTest.Recorder web = agent(plane, "web", 0);
        await(() -> plane.acks() == 1, "the good file pushed");
        String good = plane.version();

        write("orders.yaml", BAD_ORDERS);
        String file = dir.resolve("orders.yaml").toString();
        await(() -> logged(file + ": refused (2 error(s)); keeping its last good content"), "the file refused");
        assertEquals(1, loggedStartingWith(file + ":4:15: unknown balancer 'round-robbin' (expected one of: "),
                String.valueOf(serverLog));
        assertEquals(1, loggedStartingWith(file + ":5:14: bad duration '5 seconds'"), String.valueOf(serverLog));
        assertEquals(good, plane.version());

        // Another file changes: the directory is read again, the refused file is not logged again,
        // and the snapshot pushed still has orders as it was last good.
        write("billing.yaml", "services:\n  billing:\n    endpoints: [ 10.0.0.7:80 ]\n");
        await(() -> web.last().contains("billing:"), "the next change pushed");
        assertTrue(web.last().contains("10.0.0.1:80"), web.last());
        assertFalse(anyPushContains(web, "round-robbin") || anyPushContains(web, "10.0.0.2:80"), web.documents.toString());
        await(() -> plane.acks() == 2, "ACKed by the agent's parser");
        assertEquals(0, plane.nacks());
        assertEquals(1, loggedStartingWith(file + ":4:15:"), String.valueOf(serverLog));
        assertEquals(1, loggedStartingWith(file + ": refused"), String.valueOf(serverLog));
    }

    @Test
    void fixingARefusedFilePublishesIt() throws Exception {
        write("orders.yaml", BAD_ORDERS);
        ControlPlane plane = plane();
        String file = dir.resolve("orders.yaml").toString();
        assertTrue(logged(file + ": refused (2 error(s)); nothing of it is served"), String.valueOf(serverLog));
        LinkTest.Recorder web = agent(plane, "web", 0);
        await(() -> plane.acks() == 1, "the empty snapshot pushed");
        assertFalse(web.last().contains("orders"), web.last());

        write("orders.yaml", """
                services:
                  orders:
                    endpoints:
                      - { address: 10.0.0.2:80, weight: 3 }
                    balancer: round-robin
                    timeout: 5s
                """);
        await(() -> web.last().contains("10.0.0.2:80"), "the fixed file pushed");
        await(() -> plane.acks() == 2, "ACKed by the agent's parser");
        assertEquals(0, plane.nacks());
        assertTrue(web.last().contains("balancer: round-robin") && web.last().contains("timeout: 5s"), web.last());
        // Served with its warning, logged at the file's line and column.
        assertEquals(1, loggedStartingWith(file + ":4:41: weight is ignored by balancer round-robin"),
                String.valueOf(serverLog));
        assertTrue(serverLog.stream().anyMatch(l -> l.startsWith(file + ":4:41:") && l.endsWith(" (warning)")));
    }

    @Test
    void aServiceWithoutEndpointsTakesThemFromTheRegistryAndWaitsWithoutThem() throws Exception {
        write("orders.yaml", "services:\n  orders:\n    balancer: random\n    timeout: 2s\n");
        ControlPlane plane = plane();
        assertFalse(serverLog.stream().anyMatch(l -> l.contains("orders.yaml")), String.valueOf(serverLog));
        assertTrue(logged("service 'orders' has no endpoints in the config directory and none registered:"
                + " left out of the snapshot until its workload registers"), String.valueOf(serverLog));
        LinkTest.Recorder web = agent(plane, "web", 0);
        await(() -> plane.acks() == 1, "a snapshot without orders pushed");
        assertFalse(web.last().contains("orders"), web.last());

        Registry.Registration orders = registry.register("orders", RegisteredEndpoint.of("10.0.0.5:8080"));
        await(() -> web.last().contains("orders:"), "the registered endpoint pushed");
        assertTrue(web.last().contains("balancer: random") && web.last().contains("10.0.0.5:8080"), web.last());
        orders.close();
        await(() -> !web.last().contains("orders"), "left out again");
        await(() -> plane.acks() == 3, "every push ACKed by the agent's parser");
        assertEquals(0, plane.nacks());
    }

    @Test
    void aSnapshotTheAgentsParserWouldRejectIsNeverPublished() throws Exception {
        write("orders.yaml", LinkTest.ORDERS_V1);
        ControlPlane plane = plane();
        LinkTest.Recorder web = agent(plane, "web", 0);
        await(() -> plane.acks() == 1, "the good file pushed");
        String good = plane.version();

        // The registry is shared through ZooKeeper: what is in it is not this replica's to trust.
        Registry.Registration bad = registry.register("billing", RegisteredEndpoint.of("10.0.0.9:99999"));
        await(() -> serverLog.stream().anyMatch(l -> l.contains("fails the agents' parser, not published; agents keep"
                + " snapshot " + good)), "the snapshot refused");
        await(() -> serverLog.stream().anyMatch(l -> l.startsWith("  snapshot ") && l.contains("99999")
                && l.endsWith("(at '- 10.0.0.9:99999')")), "its error logged with the line it is about");
        // The same composition again (the registry told its view again): not logged again.
        Registry.Registration again = registry.register("billing", RegisteredEndpoint.of("10.0.0.9:99999"));
        again.close();
        bad.close();
        write("orders.yaml", "services:\n  orders:\n    endpoints: [ 10.0.0.3:80 ]\n");
        await(() -> web.last().contains("10.0.0.3:80"), "the next good snapshot pushed");
        assertFalse(anyPushContains(web, "99999"), web.documents.toString());
        assertEquals(1, serverLog.stream().filter(l -> l.contains("fails the agents' parser")).count(),
                String.valueOf(serverLog));
        await(() -> plane.acks() == 2, "ACKed by the agent's parser");
        assertEquals(0, plane.nacks());
    }

    /** The file's scalars reach the agent as written: no round trip through Java values. */
    @Test
    void scalarsArePushedAsWritten() throws Exception {
        write("orders.yaml", """
                services:
                  orders:
                    endpoints:
                      - { address: 10.0.0.1:80, zone: on }
                      - { address: 10.0.0.2:80, zone: 2024-01-01 }
                      - { address: 10.0.0.3:80, zone: '012' }
                """);
        ControlPlane plane = plane();
        LinkTest.Recorder web = agent(plane, "web", 0);
        await(() -> plane.acks() == 1, "pushed");
        ParseResult pushed = ConfigParser.parsePushed(web.last(), "snapshot");
        assertEquals(List.of("on", "2024-01-01", "012"), pushed.config().services().get("orders").endpoints().stream()
                .map(e -> e.zone()).toList(), web.last());
    }
}

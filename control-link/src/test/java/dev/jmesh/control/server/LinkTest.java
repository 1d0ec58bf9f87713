package dev.jmesh.control.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.control.client.ControlLinkClient;
import dev.jmesh.control.client.LinkOptions;
import dev.jmesh.control.registry.InMemoryRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica and link clients in one JVM, over real loopback sockets. */
class LinkTest {

    @TempDir
    Path dir;
    final List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
    final List<AutoCloseable> toClose = new ArrayList<>();

    /** What a client was pushed, and what it answered. */
    static final class Recorder implements ControlLinkClient.Listener {
        final List<String> versions = Collections.synchronizedList(new ArrayList<>());
        final List<String> documents = Collections.synchronizedList(new ArrayList<>());
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile Function<String, String> verdict = yaml -> null;

        @Override
        public String apply(String version, String yaml) {
            versions.add(version);
            documents.add(yaml);
            return verdict.apply(yaml);
        }

        String last() {
            synchronized (documents) {
                return documents.isEmpty() ? "" : documents.get(documents.size() - 1);
            }
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    ControlPlane plane(String token) throws IOException {
        ControlPlane plane = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), dir, new InMemoryRegistry(),
                new ControlPlane.Options(token, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5), null,
                        Duration.ofSeconds(10), null), serverLog::add);
        toClose.add(plane);
        return plane;
    }

    ControlLinkClient client(List<String> servers, String workload, String token, int inbound, Recorder recorder,
                             String version) {
        LinkOptions options = LinkOptions.defaults(servers, workload, () -> token, inbound, recorder.log::add);
        ControlLinkClient client = new ControlLinkClient(options, recorder, version).start();
        toClose.add(client);
        return client;
    }

    /** A client of workload web, without token or inbound port, linked to {@code plane}. */
    ControlLinkClient web(ControlPlane plane, Recorder r) {
        return client(List.of("127.0.0.1:" + plane.port()), "web", "", 0, r, "");
    }

    static final String ORDERS_V1 = "services:\n  orders:\n    endpoints: [ 10.0.0.1:80 ]\n";

    /** A plane serving {@code ORDERS_V1} in {@code file}, and the plane once the client's first ACK is in. */
    ControlPlane servingOrders(String file, Recorder r, ControlLinkClient[] client) throws Exception {
        Files.writeString(dir.resolve(file), ORDERS_V1);
        ControlPlane plane = plane(null);
        client[0] = web(plane, r);
        await(() -> plane.acks() == 1, "first snapshot ACKed");
        return plane;
    }

    @Test
    void pushesTheConfigDirectoryAndEachChangeOfIt() throws Exception {
        Recorder r = new Recorder();
        ControlLinkClient[] linked = new ControlLinkClient[1];
        ControlPlane plane = servingOrders("orders.yaml", r, linked);
        ControlLinkClient client = linked[0];
        assertTrue(client.connected());
        assertTrue(r.last().contains("10.0.0.1:80"), r.last());
        assertEquals(plane.version(), client.version());

        long start = System.nanoTime();
        Files.writeString(dir.resolve("orders.yaml"), "services:\n  orders:\n    endpoints: [ 10.0.0.2:80 ]\n");
        await(() -> r.last().contains("10.0.0.2:80"), "the change pushed");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "change reached the client after " + millis + " ms");
        await(() -> plane.acks() == 2, "second snapshot ACKed");

        // A file that is not YAML: logged, its last good content kept, nothing pushed.
        Files.writeString(dir.resolve("orders.yaml"), "services: [ unclosed\n");
        await(() -> serverLog.stream().anyMatch(l -> l.contains("orders.yaml") && l.contains("last good content")),
                "the bad file reported");
        assertEquals(2, r.versions.size());
    }

    @Test
    void aRejectedSnapshotIsNackedAndTheVersionStays() throws Exception {
        Recorder r = new Recorder();
        ControlLinkClient[] linked = new ControlLinkClient[1];
        ControlPlane plane = servingOrders("a.yaml", r, linked);
        String good = linked[0].version();
        // The replica's parser accepts it (a bad policy is never sent, see PolicyCheckTest); this agent does not.
        r.verdict = yaml -> yaml.contains("balancer: random") ? "snapshot x:4:15: balancer random not wanted here" : null;
        Files.writeString(dir.resolve("a.yaml"),
                "services:\n  orders:\n    endpoints: [ 10.0.0.1:80 ]\n    balancer: random\n");
        await(() -> plane.nacks() == 1, "NACK");
        assertEquals(good, linked[0].version());
        await(() -> serverLog.stream().anyMatch(l -> l.startsWith("NACK from web@127.0.0.1")
                && l.contains("balancer random not wanted here")), "the NACK logged with its error");
    }

    @Test
    void registeredEndpointsArePushedAndGoWithGoodbye() throws Exception {
        ControlPlane plane = plane(null);
        Recorder watcher = new Recorder();
        client(List.of("127.0.0.1:" + plane.port()), "watcher", "", 0, watcher, "");
        Recorder r = new Recorder();
        ControlLinkClient orders = client(List.of("127.0.0.1:" + plane.port()), "orders", "", 8080, r, "");
        await(() -> watcher.last().contains("orders:") && watcher.last().contains("127.0.0.1:8080"), "registered");
        orders.close();
        await(() -> !watcher.last().contains("orders:"), "deregistered at GOODBYE");
    }

    @Test
    void registeredLabelsMakeSubsetsAndARolloutSplitsThem() throws Exception {
        Files.writeString(dir.resolve("orders.yaml"), """
                services:
                  orders:
                    subsets: { stable: { version: v1 }, canary: { version: v2 } }
                """);
        Files.writeString(dir.resolve("rollouts.yaml"), "rollouts:\n"
                + RolloutCheckTest.rollout("orders", "stable", "canary", "[ 10, 100 ]"));
        ControlPlane plane = plane(null);
        Recorder watcher = new Recorder();
        client(List.of("127.0.0.1:" + plane.port()), "watcher", "", 0, watcher, "");
        for (String version : List.of("v1", "v2")) {
            LinkOptions options = LinkOptions.defaults(List.of("127.0.0.1:" + plane.port()), "orders", () -> "",
                    version.equals("v1") ? 8081 : 8082, new Recorder().log::add).withEndpoint(Map.of("version", version), "a", "");
            toClose.add(new ControlLinkClient(options, new Recorder(), "").start());
        }
        await(() -> watcher.last().contains("{address: '127.0.0.1:8081', labels: {version: v1}, zone: a}")
                && watcher.last().contains("{address: '127.0.0.1:8082', labels: {version: v2}, zone: a}")
                && watcher.last().contains("{name: rollout, split: {stable: 90, canary: 10}}"),
                "registered with labels, split");
        assertTrue(serverLog.stream().anyMatch(l -> l.equals("registered orders 127.0.0.1:8082 {version=v2} zone a")),
                serverLog.toString());
    }

    @Test
    void aPortThatProvesAnIdentityIsPushedAsMutualTlsToIt() throws Exception {
        Files.writeString(dir.resolve("billing.yaml"), "services:\n  billing:\n    tls: { mode: disable }\n");
        ControlPlane plane = plane(null);
        Recorder watcher = new Recorder();
        client(List.of("127.0.0.1:" + plane.port()), "watcher", "", 0, watcher, "");
        for (String workload : List.of("orders", "billing")) {
            LinkOptions options = LinkOptions.defaults(List.of("127.0.0.1:" + plane.port()), workload, () -> "",
                    workload.equals("orders") ? 8081 : 8082, new Recorder().log::add)
                    .withEndpoint(Map.of(), "", "spiffe://example.org/ns/shop/sa/" + workload);
            toClose.add(new ControlLinkClient(options, new Recorder(), "").start());
        }
        await(() -> watcher.last().contains("billing") && watcher.last().contains("orders"), "both registered");
        assertTrue(watcher.last().contains("tls: {mode: mutual, serverIdentity: 'spiffe://example.org/ns/shop/sa/orders'}"),
                watcher.last());
        String billing = watcher.last().substring(watcher.last().indexOf("billing:"), watcher.last().indexOf("orders:"));
        assertFalse(billing.contains("mutual"), "billing's own tls stays: " + watcher.last());
    }

    @Test
    void aClientWithTheCurrentVersionIsNotSentItAgain() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), ORDERS_V1);
        ControlPlane plane = plane(null);
        Recorder r = new Recorder();
        ControlLinkClient client = client(List.of("127.0.0.1:" + plane.port()), "web", "", 0, r, plane.version());
        await(client::connected, "connected");
        // Frames keep their order on a link: a snapshot of the version it had would arrive before the next one.
        Files.writeString(dir.resolve("a.yaml"), "services:\n  orders:\n    endpoints: [ 10.0.0.2:80 ]\n");
        await(() -> !r.versions.isEmpty(), "the next version pushed");
        assertEquals(List.of(plane.version()), r.versions, "only the next version");
    }

    @Test
    void aWrongTokenIsRefusedWithAClearError() throws Exception {
        ControlPlane plane = plane("right");
        Recorder bad = new Recorder();
        ControlLinkClient refused = client(List.of("127.0.0.1:" + plane.port()), "web", "wrong", 0, bad, "");
        await(() -> serverLog.stream().anyMatch(l -> l.contains("refused") && l.contains("wrong token")), "refused");
        await(() -> bad.log.stream().anyMatch(l -> l.contains("unauthorized: wrong token")), "the client says why");
        assertFalse(refused.connected());
        Recorder good = new Recorder();
        client(List.of("127.0.0.1:" + plane.port()), "web", "right", 0, good, "");
        await(() -> plane.acks() == 1, "the right token is let in");
    }

    @Test
    void failsOverToTheNextServer() throws Exception {
        ControlPlane plane = plane(null);
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = "127.0.0.1:" + s.getLocalPort();
        }
        Recorder r = new Recorder();
        ControlLinkClient client = client(List.of(dead, "127.0.0.1:" + plane.port()), "web", "", 0, r, "");
        await(client::connected, "connected to the live server");
        assertEquals("127.0.0.1:" + plane.port(), client.server());
    }

    /** A server that answers HELLO with garbage, or an oversized frame: the client gives up on it and retries. */
    @Test
    void aHostileServerIsDroppedNeverBelieved() throws Exception {
        for (byte[] answer : List.of("HTTP/1.1 200 OK\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                java.nio.ByteBuffer.allocate(6).put((byte) 'J').put((byte) 3).putInt(64 << 20).array())) {
            try (ServerSocket hostile = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread server = new Thread(() -> {
                    while (!hostile.isClosed()) {
                        try (java.net.Socket s = hostile.accept()) {
                            s.getOutputStream().write(answer);
                            s.getOutputStream().flush();
                            Thread.sleep(200);
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                    }
                });
                server.setDaemon(true);
                server.start();
                Recorder r = new Recorder();
                ControlLinkClient client = client(List.of("127.0.0.1:" + hostile.getLocalPort()), "web", "", 0, r, "");
                await(() -> r.log.stream().anyMatch(l -> l.contains("protocol error")), "the protocol error logged");
                assertFalse(client.connected());
                assertEquals(List.of(), r.versions);
                client.close();
            }
        }
    }

    /** Keepalive, client side: a server that WELCOMEs and then falls silent is given up on after deadAfter. */
    @Test
    void aSilentServerIsDetectedByTheKeepalive() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> accepted = Collections.synchronizedList(new ArrayList<>());
            Thread server = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        java.net.Socket s = silent.accept();
                        accepted.add(s); // kept open, never read again: a hung replica
                        s.getOutputStream().write(dev.jmesh.control.protocol.Frames.encode(
                                new dev.jmesh.control.protocol.Message.Welcome("silent:1", "", 0)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            Recorder r = new Recorder();
            LinkOptions options = new LinkOptions(List.of("127.0.0.1:" + silent.getLocalPort()), "web", () -> "", 0,
                    Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2), Duration.ofMillis(10),
                    Duration.ofMillis(50), r.log::add, Map.of(), "", "", null);
            ControlLinkClient client = new ControlLinkClient(options, r, "").start();
            toClose.add(client);
            await(() -> r.log.stream().anyMatch(l -> l.contains("lost link") && l.contains("no message for")),
                    "the dead link noticed");
            await(() -> accepted.size() >= 2, "reconnected");
            for (java.net.Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Keepalive, server side: an agent that says HELLO and then nothing is dropped and deregistered. */
    @Test
    void aSilentAgentIsDroppedAndDeregistered() throws Exception {
        ControlPlane plane = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), dir, new InMemoryRegistry(),
                new ControlPlane.Options(null, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(5), null,
                        Duration.ofSeconds(10), null), serverLog::add);
        toClose.add(plane);
        Recorder watcher = new Recorder();
        web(plane, watcher);
        try (java.net.Socket hung = new java.net.Socket("127.0.0.1", plane.port())) {
            hung.getOutputStream().write(dev.jmesh.control.protocol.Frames.encode(
                    new dev.jmesh.control.protocol.Message.Hello("hung", "", "", 9999)));
            await(() -> watcher.last().contains("hung:"), "registered");
            await(() -> serverLog.stream().anyMatch(l -> l.contains("link hung@") && l.contains("no message for")),
                    "dropped by the keepalive");
            await(() -> !watcher.last().contains("hung:"), "deregistered");
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}

package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.LettuceApp;
import dev.jmesh.it.app.TcpCallerApp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Raw TCP to a {@code protocol: tcp} service by name, in real JVMs: {@code Socket},
 * {@code SocketChannel} (blocking, non-blocking, through its socket adaptor), a socket on a
 * virtual thread, {@code AsynchronousSocketChannel} and Netty (NIO and native epoll, with the
 * JDK's resolver and Netty's DNS resolver) reach line servers on loopback; the port the
 * application asks for is replaced by the endpoint's.
 */
class TcpRoutingTest {

    private static final int ANY_PORT = 7; // the app's port: the endpoint's port replaces it

    @TempDir
    static Path dir;
    static LineServer one;
    static LineServer two;

    @BeforeAll
    static void servers() throws Exception {
        one = LineServer.named("one");
        two = LineServer.named("two");
    }

    @AfterAll
    static void stop() throws Exception {
        one.close();
        two.close();
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void everyKindOfConnectReachesTheServiceByNameBalancedRoundRobin(Jdk jdk) throws Exception {
        String modes = jdk == Jdk.JDK25 ? "socket,channel,nonblocking,adaptor,virtual" : "socket,channel,nonblocking,adaptor";
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                """.formatted(one.address(), two.address()));
        AppJvm.Result result = run(jdk, policy, "echo", modes, 4);

        assertEquals(List.of(), result.errors(), result.toString());
        for (String mode : modes.split(",")) {
            assertEquals(Map.of("one", 2, "two", 2), servers(result, mode), mode + ": " + result);
        }
        if (jdk == Jdk.JDK25) {
            assertTrue(result.stdout().stream().filter(l -> l.startsWith("CONNECTED virtual "))
                    .allMatch(l -> l.endsWith(" virtual=true")), result.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void everyBlockingConnectFailsOverToTheNextEndpointWithinOneConnect(Jdk jdk) throws Exception {
        // "selector": a blocking connect, then the channel's options and addresses checked and its
        // first line read through a selector: the socket it was given by fail-over is its own.
        String modes = "socket,channel,adaptor,selector" + (jdk == Jdk.JDK25 ? ",virtual,virtual-selector" : "");
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                    outlierDetection: off
                """.formatted(DeadPort.address(), one.address()));
        AppJvm.Result result = run(jdk, policy, "echo", modes, 6, "--timeout", "2000");

        // With detection off the dead endpoint keeps its turn: half the connects meet it first.
        assertEquals(List.of(), result.errors(), result.toString());
        for (String mode : modes.split(",")) {
            assertEquals(Map.of("one", 6), servers(result, mode), mode + ": " + result);
        }
    }

    @Test
    void connectFailuresFeedOutlierDetectionSoNonBlockingChannelsStopPickingADeadEndpoint() throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                    outlierDetection: { consecutiveErrors: 1, interval: 1s, baseEjectionTime: 30s }
                """.formatted(DeadPort.address(), two.address()));
        AppJvm.Result result = run(Jdk.JDK17, policy, "echo", "nonblocking", 6);

        // A non-blocking connect's failure surfaces in the application's finishConnect: not failed over.
        List<String> lines = result.stdout().stream().filter(l -> l.contains(" nonblocking ")).toList();
        assertTrue(lines.get(0).startsWith("ERROR nonblocking java.net.ConnectException"), lines.toString());
        assertEquals(List.of(), lines.subList(1, lines.size()).stream()
                .filter(l -> !l.equals("CONNECTED nonblocking two")).toList(),
                "after one refused connect, every connect goes to the live endpoint: " + lines);
    }

    @Test
    void ringHashOnTheSourceAddressKeepsEveryConnectionOnOneEndpoint() throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                    balancer: ring-hash
                    hashKey: source-ip
                """.formatted(one.address(), two.address()));
        AppJvm.Result result = run(Jdk.JDK17, policy, "echo", "socket,channel", 5);

        Map<String, Long> all = result.stdout().stream().filter(l -> l.startsWith("CONNECTED "))
                .collect(Collectors.groupingBy(l -> l.substring(l.lastIndexOf(' ') + 1), Collectors.counting()));
        assertEquals(1, all.size(), result.toString());
        assertEquals(10, all.values().iterator().next());
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void namesTheMeshDoesNotKnowResolveAndConnectAsBefore(Jdk jdk) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s ]
                """.formatted(one.address()));
        List<String> args = List.of("--resolve", "localhost", "--resolve", "no-such-host.invalid", "--resolve", "echo");
        AppJvm.Result routed = run(jdk, policy, "localhost", two.port(), "socket,channel", 1, args);
        AppJvm.Result plain = run(jdk, null, "localhost", two.port(), "socket,channel", 1, args);

        assertEquals(lines(plain, "RESOLVED localhost"), lines(routed, "RESOLVED localhost"));
        assertEquals(List.of("UNRESOLVED no-such-host.invalid java.net.UnknownHostException"),
                lines(routed, "UNRESOLVED no-such-host.invalid"));
        assertEquals(List.of("CONNECTED socket two", "CONNECTED channel two"), lines(routed, "CONNECTED"));
        List<String> resolved = lines(routed, "RESOLVED echo");
        assertEquals(1, resolved.size(), routed.toString());
        assertTrue(resolved.get(0).matches("RESOLVED echo \\[echo/239\\.255\\.\\d+\\.\\d+]"),
                "a tcp service's name resolves without a resolver, to the service's own address: " + resolved);
        assertEquals(List.of("UNRESOLVED echo java.net.UnknownHostException"), lines(plain, "UNRESOLVED echo"));
    }

    /**
     * The application asks for a port the policy does not name, where another server listens
     * on the endpoint's host: whatever the API, transport and resolver, the connection reaches
     * the endpoint, with the endpoint's port.
     */
    @ParameterizedTest
    @EnumSource(Jdk.class)
    void noClientReachesAnEndpointsHostOnAPortThePolicyDidNotName(Jdk jdk) throws Exception {
        String modes = "socket,channel,nonblocking,async,netty-nio,netty-nio+dns,netty-epoll,netty-epoll+dns";
        try (LineServer decoy = LineServer.named("decoy")) {
            Path policy = Policy.write(dir, """
                    services:
                      echo:
                        protocol: tcp
                        endpoints: [ %s ]
                    """.formatted(one.address()));
            AppJvm.Result result;
            try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("netty"))
                    .run(TcpCallerApp.class.getName(), List.of("echo", Integer.toString(decoy.port()), modes, "2"))) {
                result = app.await();
            }
            assertEquals(0, result.exitCode(), result.toString());
            for (String mode : modes.split(",")) {
                assertEquals(Map.of("one", 2), servers(result, mode), mode + ": " + result);
            }
        }
    }

    /**
     * Lettuce with its defaults (the native epoll transport, here on the class path; Netty's
     * resolver on the JDK's lookups), asking for a port the policy does not name where another
     * Redis server listens: every connection reaches an endpoint, balanced.
     */
    @ParameterizedTest
    @EnumSource(Jdk.class)
    void lettuceReachesTheRedisServiceByNameBalancedPerConnection(Jdk jdk) throws Exception {
        try (RespServer r0 = new RespServer("r0"); RespServer r1 = new RespServer("r1");
             RespServer decoy = new RespServer("decoy")) {
            Path policy = Policy.write(dir, """
                    services:
                      cache:
                        protocol: tcp
                        endpoints: [ %s, %s ]
                    """.formatted(r0.address(), r1.address()));
            AppJvm.Result result;
            try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("netty", "reactor-netty", "lettuce"))
                    .run(LettuceApp.class.getName(), List.of("cache", Integer.toString(decoy.port()), "10"))) {
                result = app.await();
            }
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals(0, decoy.connections(), "nothing reached the endpoints' host on the application's port");
            Map<String, Long> replies = result.stdout().stream().filter(l -> l.startsWith("RESULT "))
                    .collect(Collectors.groupingBy(l -> l.substring("RESULT ".length()), Collectors.counting()));
            assertEquals(Map.of("r0", 5L, "r1", 5L), replies, result.toString());
        }
    }

    /**
     * What a connect the agent cannot see gets for a tcp service's name: the service's own
     * address, which the kernel refuses at once, without a packet sent (here, in a JVM without
     * the agent, to a port where a server listens on loopback).
     */
    @Test
    void aServiceAddressIsOneNoConnectReaches() throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s ]
                """.formatted(one.address()));
        AppJvm.Result routed = run(Jdk.JDK17, policy, "localhost", one.port(), "socket", 1, List.of("--resolve", "echo"));
        String resolved = lines(routed, "RESOLVED echo").get(0);
        String address = resolved.substring(resolved.indexOf('/') + 1, resolved.length() - 1);
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            IOException refused = assertThrows(IOException.class,
                    () -> socket.connect(new InetSocketAddress(address, one.port()), 5000));
            assertTrue(String.valueOf(refused.getMessage()).contains("unreachable"), refused.toString());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "refused after " + millis + " ms");
    }

    @Test
    void connectionsAreCountedOpenedClosedAndFailed() throws Exception {
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: tcp-caller
                admin: { port: %d }
                services:
                  echo:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                    retries: { attempts: 2 }
                """.formatted(adminPort, DeadPort.address(), two.address()));
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                .run(TcpCallerApp.class.getName(), List.of("echo", "1", "socket", "4", "--await-stdin"))) {
            app.awaitLine("DONE"::equals);
            // The admin endpoint starts off the main thread: a quick app may be done before it listens.
            String metrics = ControlPlanes.awaitPage(app, adminPort, "/metrics", page -> true);
            String labels = "reporter=\"source\",source_workload=\"tcp-caller\",destination_service=\"echo\",response_flags=\"-\"";
            assertEquals(4, MetricsTest.value(metrics, "istio_tcp_connections_opened_total{" + labels + "}"), metrics);
            assertEquals(4, MetricsTest.value(metrics, "istio_tcp_connections_closed_total{" + labels + "}"), metrics);
            // Bytes as a sidecar counts them at the source: read by the application (sent to it), written by it.
            assertEquals(4 * "two\n".length(), MetricsTest.value(metrics, "istio_tcp_sent_bytes_total{" + labels + "}"));
            assertEquals(0, MetricsTest.value(metrics, "istio_tcp_received_bytes_total{" + labels + "}"));
            // round-robin sends every other connect to the dead endpoint first
            assertEquals(2, MetricsTest.value(metrics, "jmesh_tcp_connect_failures_total{destination_service=\"echo\"}"));
            assertEquals(4, MetricsTest.value(metrics,
                    "jmesh_tcp_connect_duration_milliseconds_count{destination_service=\"echo\"}"));
            assertEquals(0, MetricsTest.value(metrics, "jmesh_endpoint_active_requests{destination_service=\"echo\",endpoint=\""
                    + two.address() + "\"}"), "closed connections are no longer open");
            app.writeLine("");
        }
    }

    private static AppJvm.Result run(Jdk jdk, Path policy, String host, String modes, int count, String... options)
            throws Exception {
        return run(jdk, policy, host, ANY_PORT, modes, count, List.of(options));
    }

    private static AppJvm.Result run(Jdk jdk, Path policy, String host, int port, String modes, int count,
                                     List<String> options) throws Exception {
        AppJvm.Builder builder = AppJvm.on(jdk).classPath(AppJvm.classPath());
        if (policy != null) {
            builder.withAgent(policy);
        }
        List<String> args = new java.util.ArrayList<>(List.of(host, Integer.toString(port), modes, Integer.toString(count)));
        args.addAll(options);
        try (AppJvm app = builder.run(TcpCallerApp.class.getName(), args)) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result.toString());
            return result;
        }
    }

    /** Connections per server, for one mode. */
    private static Map<String, Integer> servers(AppJvm.Result result, String mode) {
        return result.stdout().stream().filter(l -> l.startsWith("CONNECTED " + mode + " "))
                .map(l -> l.split(" ")[2])
                .collect(Collectors.toMap(Function.identity(), s -> 1, Integer::sum));
    }

    private static List<String> lines(AppJvm.Result result, String prefix) {
        return result.stdout().stream().filter(l -> l.startsWith(prefix)).toList();
    }
}

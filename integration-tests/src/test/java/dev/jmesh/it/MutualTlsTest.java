package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import dev.jmesh.it.app.TcpCallerApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two real JVMs with the agent: a server whose port speaks mutual TLS only (the application
 * serves plaintext and changes nothing), and callers whose plaintext calls the mesh upgrades,
 * with certificates made by {@code jmesh-agent.jar ca}.
 */
class MutualTlsTest {

    private static final String ORDERS = TrustDomain.id("orders");
    private static final String SHOP = TrustDomain.id("shop");

    @TempDir
    static Path dir;
    static TrustDomain domain;
    static Path orders;
    static Path shop;
    static Path intruder;
    static Path expiredShop;
    static Path rogueShop;
    /** The orders server: HttpServer behind a strict port that lets in shop only. */
    static AppJvm server;
    static int port;
    static int adminPort;

    @BeforeAll
    static void trustDomainAndServer() throws Exception {
        domain = TrustDomain.create(dir, "ca");
        orders = domain.issue("orders");
        shop = domain.issue("shop");
        intruder = domain.issue("intruder");
        expiredShop = domain.issue("shop", "expired-shop", 0);
        rogueShop = TrustDomain.create(dir, "rogue-ca").issue("shop");
        port = FreePort.pick();
        adminPort = FreePort.pick();
        server = startServer("http", port, "strict", "allow: [ \"" + SHOP + "\" ], ", adminPort, orders);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static AppJvm startServer(String kind, int port, String mtls, String allow, int adminPort, Path identity,
                              String... options) throws Exception {
        return startServer(AppJvm.classPath(), kind, port, mtls, allow, adminPort, identity, options);
    }

    /** @param classPath the server application's: with Conscrypt on it, the agent's TLS is Conscrypt's */
    static AppJvm startServer(String classPath, String kind, int port, String mtls, String allow, int adminPort,
                              Path identity, String... options) throws Exception {
        Path policy = Policy.write(dir, "workload: orders\n" + TrustDomain.identityYaml(identity)
                + "inbound: { port: " + port + ", " + allow + "mtls: " + mtls + " }\n"
                + (adminPort == 0 ? "" : "admin: { port: " + adminPort + " }\n"));
        List<String> args = new java.util.ArrayList<>(List.of(kind, Integer.toString(port), "orders"));
        args.addAll(List.of(options));
        AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(classPath)
                .run(ServerApp.class.getName(), args);
        app.awaitLine("LISTENING"::equals);
        return app;
    }

    /** A caller of {@code http://orders/} (or tcp service {@code db}) reaching it at {@code endpoint}. */
    static Path callerPolicy(Path identity, String endpoint, String protocol) {
        return Policy.write(dir, "workload: shop\n" + TrustDomain.identityYaml(identity) + """
                services:
                  %s:
                    protocol: %s
                    endpoints: [ %s ]
                    tls: { mode: mutual, serverIdentity: "%s" }
                """.formatted(protocol.equals("tcp") ? "db" : "orders", protocol, endpoint, ORDERS));
    }

    static AppJvm.Result call(Jdk jdk, Path policy, String client, String... urls) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(client));
        args.addAll(List.of(urls));
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run(CallerApp.class.getName(), args)) {
            return app.await();
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void plaintextCallsGoOverMutualTlsAndTheServerLearnsWhoCalled(Jdk jdk) throws Exception {
        try (Relay wire = new Relay(port)) {
            Path policy = callerPolicy(shop, wire.address(), "http");
            for (String client : List.of("jdk-sync", "okhttp-sync")) {
                AppJvm.Result result = call(jdk, policy, client, "2*http://orders/hello");
                assertEquals(2, result.stdout().stream().filter(l -> l.startsWith("RESULT http://orders/hello 200 "
                        + "name=orders xfcc=By=" + ORDERS + ";Hash=") && l.contains(";URI=" + SHOP + " ")).count(),
                        client + ": " + result);
            }
            byte[] sent = wire.sent();
            String text = new String(sent, StandardCharsets.ISO_8859_1);
            assertEquals(0x16, sent[0], "the first byte on the wire opens a TLS handshake");
            assertFalse(text.contains("GET /hello") || text.contains("Host: orders") || text.contains("HTTP/1.1"),
                    "no plaintext HTTP on the wire");
        }
    }

    @Test
    void aPlaintextProbeIsRefusedInStrict() throws Exception {
        assertEquals("", plaintextGet(port, "x-forwarded-client-cert: URI=" + SHOP), "strict: closed, no answer");
        String metrics = Http.get("http://127.0.0.1:" + adminPort + "/metrics").body();
        assertTrue(MetricsTest.value(metrics, "jmesh_inbound_refused_total") >= 1, metrics);
    }

    /** Permissive reads a caller's first byte to tell TLS from plaintext; both providers then terminate TLS. */
    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void permissiveServesPlaintextWithoutAClaimedIdentityAndMutualTls(String provider) throws Exception {
        int permissivePort = FreePort.pick();
        String classPath = provider.equals("JDK") ? AppJvm.classPath() : AppJvm.classPath("conscrypt");
        try (AppJvm permissive = startServer(classPath, "http", permissivePort, "permissive", "", 0, orders)) {
            permissive.awaitErrorLine(l -> l.contains("inbound port " + permissivePort)
                    && l.contains("TLS by " + (provider.equals("JDK") ? "SunJSSE" : "Conscrypt")));
            assertEquals("HTTP/1.1 200 OK|name=orders xfcc=null",
                    plaintextGet(permissivePort, "x-forwarded-client-cert: URI=" + SHOP),
                    "served, and the caller's own claim to be shop is removed");
            AppJvm.Result mtls = call(Jdk.JDK17, callerPolicy(shop, "127.0.0.1:" + permissivePort, "http"), "jdk-sync",
                    "http://orders/x");
            assertTrue(mtls.stdout().stream().anyMatch(l -> l.contains(";URI=" + SHOP + " ")), mtls.toString());
        }
    }

    @Test
    void callersTheServerMustNotTrustAreRefused() throws Exception {
        assertEquals("HTTP/1.1 200 OK", PemTlsClient.get(port, shop), "the probe client works with a good certificate");
        assertThrows(IOException.class, () -> PemTlsClient.get(port, expiredShop), "expired");
        assertThrows(IOException.class, () -> PemTlsClient.get(port, rogueShop), "signed by another CA");
        assertThrows(IOException.class, () -> PemTlsClient.get(port, intruder), "not in allow");

        AppJvm.Result result = call(Jdk.JDK17, callerPolicy(intruder, "127.0.0.1:" + port, "http"), "jdk-sync",
                "http://orders/hello");
        assertEquals(1, result.errors().size(), "an agent whose identity is not allowed is refused: " + result);
        String metrics = Http.get("http://127.0.0.1:" + adminPort + "/metrics").body();
        assertTrue(MetricsTest.value(metrics, "istio_tcp_connections_opened_total{reporter=\"destination\","
                + "destination_workload=\"orders\",source_principal=\"" + SHOP + "\",connection_security_policy=\"mutual_tls\"}")
                >= 1, metrics);
    }

    @Test
    void theCallerVerifiesTheServersIdentityNotItsAddress() throws Exception {
        Path wrongServer = Policy.write(dir, "workload: shop\n" + TrustDomain.identityYaml(shop) + """
                services:
                  orders:
                    endpoints: [ 127.0.0.1:%d ]
                    tls: { mode: mutual, serverIdentity: "%s" }
                """.formatted(port, TrustDomain.id("payments")));
        AppJvm.Result result = call(Jdk.JDK17, wrongServer, "okhttp-sync", "http://orders/hello");
        assertEquals(1, result.errors().size(), result.toString());
    }

    @Test
    void rotatingTheCertificateDuringAStreamOfCallsLosesNone() throws Exception {
        Path rotating = domain.issue("shop", "rotating-shop", 30);
        int closingPort = FreePort.pick();
        try (AppJvm closing = startServer("http", closingPort, "strict", "", 0, orders, "--close");
             AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(callerPolicy(rotating, "127.0.0.1:" + closingPort, "http"))
                     .classPath(AppJvm.classPath("okhttp4"))
                     .run(CallerApp.class.getName(), List.of("jdk-sync", "300*http://orders/r", "--pace", "20"))) {
            caller.awaitLines(l -> l.startsWith("RESULT "), 30);
            domain.issue("shop", "rotating-shop", 30); // the same CA, a new certificate, in place
            AppJvm.Result result = caller.await();
            assertEquals(List.of(), result.errors(), "no call lost");
            List<String> hashes = result.stdout().stream().filter(l -> l.startsWith("RESULT http://orders/r 200 "))
                    .map(l -> l.substring(l.indexOf(";Hash=") + 6, l.indexOf(";URI="))).distinct().collect(Collectors.toList());
            assertEquals(300, result.stdout().stream().filter(l -> l.startsWith("RESULT http://orders/r 200 ")).count());
            assertEquals(2, hashes.size(), "the old certificate, then the new one: " + hashes + "; " + result.stderr());
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void rawTcpBetweenTwoAgentsGoesOverMutualTlsToBlockingAndNioServers(Jdk jdk) throws Exception {
        int blockingPort = FreePort.pick();
        int nioPort = FreePort.pick();
        try (AppJvm blocking = startServer("socket", blockingPort, "strict", "", 0, orders);
             AppJvm nio = startServer("nio", nioPort, "strict", "", 0, orders)) {
            Path policy = callerPolicy(shop, "127.0.0.1:" + blockingPort + ", 127.0.0.1:" + nioPort, "tcp");
            String modes = jdk == Jdk.JDK25 ? "socket,virtual,channel" : "socket,channel";
            try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath())
                    .run(TcpCallerApp.class.getName(), List.of("db", "5432", modes, "2"))) {
                AppJvm.Result result = app.await();
                assertEquals(List.of("CONNECTED socket orders", "CONNECTED socket orders"), lines(result, "CONNECTED socket"));
                if (jdk == Jdk.JDK25) {
                    assertEquals(2, lines(result, "CONNECTED virtual orders virtual=true").size(), result.toString());
                }
                assertEquals(2, lines(result, "ERROR channel java.net.ConnectException: jmesh: db: requires mutual TLS").size(),
                        "a channel cannot be secured: refused, never plaintext; " + result);
            }
        }
    }

    @Test
    void withoutItsCertificateAStrictPortRefusesEveryoneAndSaysWhy() throws Exception {
        Path missing = dir.resolve("missing");
        Files.createDirectories(missing);
        int strictPort = FreePort.pick();
        try (AppJvm broken = startServer("http", strictPort, "strict", "", 0, missing)) {
            broken.awaitErrorLine(l -> l.contains("identity files not usable"));
            broken.awaitErrorLine(l -> l.contains("inbound port " + strictPort + " (mtls: strict)")
                    && l.contains("mTLS callers refused"));
            assertEquals("", plaintextGet(strictPort, ""));
            assertThrows(IOException.class, () -> PemTlsClient.get(strictPort, shop));
        }
        AppJvm.Result caller = call(Jdk.JDK17, callerPolicy(missing, "127.0.0.1:" + port, "http"), "okhttp-sync",
                "http://orders/hello");
        assertTrue(caller.errors().size() == 1 && caller.errors().get(0).contains("this workload's identity is not available"),
                "a caller without its certificate fails the call, never sends it in plaintext: " + caller);
    }

    /**
     * A plaintext HTTP request; the status line and body joined by |, or "" when no HTTP answer
     * came (closed, reset, or a TLS alert from a port that speaks only TLS).
     */
    private static String plaintextGet(int port, String extraHeader) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n"
                    + (extraHeader.isEmpty() ? "" : extraHeader + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String response;
            try {
                InputStream in = socket.getInputStream();
                response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                response = "";
            }
            if (!response.startsWith("HTTP/")) {
                return "";
            }
            return response.substring(0, response.indexOf("\r\n")) + "|" + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static List<String> lines(AppJvm.Result result, String prefix) {
        return result.stdout().stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }
}

package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tls: {mode: simple}}: an application's plaintext {@code http://} call to a mesh name
 * whose endpoints are outside the mesh goes out over TLS, the server verified by its host name
 * against the policy's CA file, as HTTPS does; a server that fails the check is never sent the
 * request. Real TLS-only Jetty backends, certificates made with the JDK's {@code keytool}.
 */
class TlsOriginationTest {

    private static final String PASSWORD = "changeit";
    /** A service named after the host it stands for, as an application outside a mesh would call it. */
    private static final String URL = "http://api.payments.test/charge";

    @TempDir
    static Path keys;
    static Path ca;
    static Path otherCa;
    static Path serverKeyStore;
    static Path appTrustStore;

    /** Runs the JDK's keytool; fails the test with its output if it fails. */
    static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + "\n" + out);
    }

    /** A CA (and another one), and a server certificate for api.payments.test signed by the first. */
    @BeforeAll
    static void certificates() throws Exception {
        for (String name : List.of("ca", "other-ca")) {
            keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-ext", "bc:c", "-validity", "2", "-keystore", name + ".p12", "-storepass", PASSWORD);
            keytool("-exportcert", "-alias", name, "-keystore", name + ".p12", "-storepass", PASSWORD, "-rfc",
                    "-file", name + ".pem");
        }
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=api.payments.test", "-validity", "2", "-keystore", "server.p12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "server.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "server.csr",
                "-outfile", "server.pem", "-rfc", "-ext", "san=dns:api.payments.test", "-validity", "2");
        keytool("-importcert", "-alias", "ca", "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "ca.pem",
                "-noprompt");
        keytool("-importcert", "-alias", "server", "-keystore", "server.p12", "-storepass", PASSWORD, "-file",
                "server.pem");
        // What the application trusts on its own, as -Djavax.net.ssl.trustStore.
        keytool("-importcert", "-alias", "ca", "-keystore", "app-trust.p12", "-storepass", PASSWORD, "-file", "ca.pem",
                "-noprompt");
        appTrustStore = keys.resolve("app-trust.p12");
        ca = keys.resolve("ca.pem");
        otherCa = keys.resolve("other-ca.pem");
        serverKeyStore = keys.resolve("server.p12");
    }

    @TempDir
    Path dir;

    private AppJvm.Result call(TrafficManagementTest.Caller caller, Backend backend, String tls) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  api.payments.test:
                    endpoints: [ %s ]
                    retries: { attempts: 1 }
                    tls: %s
                """.formatted(backend.address(), tls));
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(caller.libs))
                .run(CALLER, List.of(caller.mode, "3*" + URL))) {
            return app.await();
        }
    }

    @ParameterizedTest
    @EnumSource(TrafficManagementTest.Caller.class)
    void aPlaintextCallGoesOutOverVerifiedTls(TrafficManagementTest.Caller caller) throws Exception {
        try (Backend payments = Backend.startTls("payments", serverKeyStore, PASSWORD)) {
            // No sni: the name verified (and sent in SNI) is the service's, the certificate's, and the Host sent.
            AppJvm.Result result = call(caller, payments, "{ mode: simple, caCertificates: " + ca + " }");
            assertEquals(Map.of(200, 3), result.statusesFor(URL), result::toString);
            assertTrue(result.stdout().stream().anyMatch(l -> l.contains("backend=payments")), result::toString);
            assertEquals(3, payments.hits());
        }
    }

    /**
     * An application's own {@code https://} to the name: its connection goes to an endpoint (the
     * URL's port 443 is no endpoint's), balanced per connection, carrying the application's TLS
     * as it made it. Its trust decides: without the CA in its own trust store its handshake
     * fails, though the policy's CA file would have trusted the server.
     */
    @ParameterizedTest
    @EnumSource(Https.class)
    void anApplicationsOwnHttpsIsRoutedPerConnectionWithItsTlsIntact(Https caller) throws Exception {
        String url = "https://api.payments.test/charge";
        try (Backend p1 = Backend.startTls("p1", serverKeyStore, PASSWORD);
                Backend p2 = Backend.startTls("p2", serverKeyStore, PASSWORD)) {
            Path policy = Policy.write(dir, """
                    services:
                      api.payments.test:
                        endpoints: [ %s, %s ]
                        balancer: round-robin
                        tls: { mode: simple, caCertificates: %s }
                    """.formatted(p1.address(), p2.address(), ca));
            List<String> args = new ArrayList<>(List.of(caller.mode));
            if (caller.closesConnections) {
                args.addAll(List.of("--header", "Connection:close")); // a connection per call: per-connection balancing shows
            }
            args.add("4*" + url);
            AppJvm.Builder trusting = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                    .jvmOption("-Djavax.net.ssl.trustStore=" + appTrustStore)
                    .jvmOption("-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
            try (AppJvm app = trusting.run(CALLER, args)) {
                AppJvm.Result result = app.await();
                assertEquals(Map.of(200, 4), result.statusesFor(url), result::toString);
                assertEquals(4, p1.hits() + p2.hits());
                if (caller.closesConnections) {
                    assertEquals(Map.of("p1", 2, "p2", 2), result.backendsFor(url), result::toString);
                }
            }
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                    .run(CALLER, List.of(caller.mode, "2*" + url))) {
                AppJvm.Result result = app.await();
                assertEquals(2, result.errors().size(), result::toString);
                assertTrue(result.errors().stream().allMatch(e -> e.contains("PKIX path building failed")
                        || e.contains("unable to find valid certification path")), result::toString);
                assertEquals(4, p1.hits() + p2.hits(), "no request reached a backend");
            }
        }
    }

    /** Callers of https:// URLs, each over the JDK's own TLS or OkHttp's. */
    enum Https {
        JDK("jdk-sync", false),
        OKHTTP("okhttp-sync", true),
        URL_CONNECTION("urlconnection", false);

        final String mode;
        final boolean closesConnections;

        Https(String mode, boolean closesConnections) {
            this.mode = mode;
            this.closesConnections = closesConnections;
        }
    }

    /** Another name than the certificate's (with the JDK client), a CA that did not sign it (with OkHttp). */
    @Test
    void aServerThatFailsTheCheckIsNeverSentTheRequest() throws Exception {
        try (Backend payments = Backend.startTls("payments", serverKeyStore, PASSWORD)) {
            Map<TrafficManagementTest.Caller, String> cases = Map.of(
                    TrafficManagementTest.Caller.JDK, "{ mode: simple, sni: other.payments.test, caCertificates: " + ca + " }",
                    TrafficManagementTest.Caller.OKHTTP, "{ mode: simple, caCertificates: " + otherCa + " }");
            for (Map.Entry<TrafficManagementTest.Caller, String> c : cases.entrySet()) {
                AppJvm.Result result = call(c.getKey(), payments, c.getValue());
                assertEquals(3, result.errors().size() + result.statusesFor(URL).getOrDefault(503, 0),
                        c.getValue() + "\n" + result);
                assertEquals(0, payments.hits(), c.getValue());
            }
        }
    }

    @Test
    void aCaFileThatCannotBeReadFailsClosedNamingIt() throws Exception {
        try (Backend payments = Backend.startTls("payments", serverKeyStore, PASSWORD)) {
            Path missing = dir.resolve("no-such-ca.pem");
            AppJvm.Result result = call(TrafficManagementTest.Caller.JDK, payments,
                    "{ mode: simple, sni: api.payments.test, caCertificates: " + missing + " }");
            assertEquals(0, payments.hits());
            assertTrue(String.join("\n", result.stdout()).contains("tls mode simple: cannot trust " + missing)
                    || String.join("\n", result.stderr()).contains("tls mode simple: cannot trust " + missing), result::toString);
        }
    }
}

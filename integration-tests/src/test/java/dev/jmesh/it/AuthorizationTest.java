package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L7 authorization and request authentication on a real inbound port (mtls permissive), with
 * certificates from {@code ca issue}, tokens from {@code jwt keys}/{@code jwt sign}, and two kinds
 * of caller: curl (with a client certificate, or in plaintext) and a JVM with the agent.
 */
class AuthorizationTest {

    private static final String ISSUER = "https://auth.jmesh.test";

    @TempDir
    static Path dir;
    static Path frontend;
    static Path billing;
    static AppJvm server;
    static int port;
    static int adminPort;
    static String userToken;
    static String adminToken;
    static String expiredToken;
    static String otherAudienceToken;
    static String forgedToken;

    @BeforeAll
    static void serverWithRules() throws Exception {
        TrustDomain domain = TrustDomain.create(dir, "ca");
        Path orders = domain.issue("orders");
        frontend = domain.issue("frontend");
        billing = domain.issue("billing");
        Path issuer = dir.resolve("issuer");
        cli("jwt", "keys", issuer.toString(), "--alg", "ES256", "--kid", "k1");
        Path key = issuer.resolve("jwt-key.pem");
        userToken = cli("jwt", "sign", key.toString(), "--iss", ISSUER, "--sub", "alice", "--aud", "orders", "--kid", "k1");
        adminToken = cli("jwt", "sign", key.toString(), "--iss", ISSUER, "--sub", "root", "--aud", "orders",
                "--claims", "{\"roles\":[\"admin\"]}");
        expiredToken = cli("jwt", "sign", key.toString(), "--iss", ISSUER, "--sub", "alice", "--aud", "orders",
                "--ttl", "-120");
        otherAudienceToken = cli("jwt", "sign", key.toString(), "--iss", ISSUER, "--sub", "alice", "--aud", "billing");
        Path impostor = dir.resolve("impostor");
        cli("jwt", "keys", impostor.toString());
        forgedToken = cli("jwt", "sign", impostor.resolve("jwt-key.pem").toString(), "--iss", ISSUER, "--sub", "root",
                "--aud", "orders", "--claims", "{\"roles\":[\"admin\"]}");

        port = FreePort.pick();
        adminPort = FreePort.pick();
        Path policy = Policy.write(dir, "workload: orders\n" + TrustDomain.identityYaml(orders) + """
                admin: { port: %d }
                inbound:
                  port: %d
                  mtls: permissive
                  jwt:
                    - issuer: %s
                      audiences: [ orders ]
                      jwksFile: "%s"
                  authorization:
                    - name: no-admin-in-plaintext
                      action: DENY
                      rules:
                        - from: [ { source: { notPrincipals: [ "*" ] } } ]
                          to: [ { operation: { paths: [ /admin/* ] } } ]
                    - name: deletes-need-the-admin-role
                      action: DENY
                      rules:
                        - to: [ { operation: { methods: [ DELETE ] } } ]
                          when: [ { key: "request.auth.claims[roles]", notValues: [ admin ] } ]
                    - name: frontend
                      rules:
                        - from: [ { source: { principals: [ "%s" ] } } ]
                    - name: signed-in-users-read-orders
                      rules:
                        - from: [ { source: { requestPrincipals: [ "%s/*" ] } } ]
                          to: [ { operation: { methods: [ GET ], paths: [ /orders/*, /admin/* ] } } ]
                """.formatted(adminPort, port, ISSUER, issuer.resolve("jwks.json"), TrustDomain.id("frontend"), ISSUER));
        server = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                .run(ServerApp.class.getName(), List.of("http", Integer.toString(port), "orders"));
        server.awaitLine("LISTENING"::equals);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** caller: frontend or billing over mTLS, or plaintext; token: none, user, admin, expired, audience, forged */
    @Test
    void aTableOfCurlCallsEachAnsweredAsThePoliciesSay() throws Exception {
        String[][] table = {
            // caller      method    path                   token       status
            {"frontend",  "GET",    "/orders/1",            "none",     "200"},
            {"frontend",  "GET",    "/admin/keys",          "none",     "200"},
            {"frontend",  "DELETE", "/orders/1",            "none",     "403"},
            {"frontend",  "DELETE", "/orders/1",            "user",     "403"},
            {"frontend",  "DELETE", "/orders/1",            "admin",    "200"},
            {"frontend",  "DELETE", "/orders/1",            "forged",   "401"},
            {"billing",   "GET",    "/orders/1",            "none",     "403"},
            {"billing",   "GET",    "/orders/1",            "user",     "200"},
            {"billing",   "POST",   "/orders",              "user",     "403"},
            {"billing",   "GET",    "/admin/keys",          "user",     "200"},
            {"plaintext", "GET",    "/orders/1",            "none",     "403"},
            {"plaintext", "GET",    "/orders/1",            "user",     "200"},
            {"plaintext", "GET",    "/admin/keys",          "admin",    "403"},
            {"plaintext", "GET",    "/orders/../admin/keys", "user",    "403"},
            {"plaintext", "GET",    "/orders/%2e%2e/admin/keys", "user", "403"},
            {"plaintext", "GET",    "/orders%2F..%2Fadmin",  "user",    "400"},
            {"plaintext", "GET",    "/orders/1",            "expired",  "401"},
            {"plaintext", "GET",    "/orders/1",            "audience", "401"},
            {"plaintext", "GET",    "/orders/1",            "forged",   "401"},
        };
        List<String> wrong = new ArrayList<>();
        for (String[] row : table) {
            Curl answer = curl(row[0], row[1], row[2], token(row[3]));
            if (!answer.status().equals(row[4])) {
                wrong.add(String.join(" ", row) + " -> " + answer);
            } else if (row[4].equals("403") && !answer.body().equals("RBAC: access denied")) {
                wrong.add(String.join(" ", row) + " -> body " + answer.body());
            } else if (row[4].equals("200") && !answer.body().startsWith("name=orders xfcc=")) {
                wrong.add(String.join(" ", row) + " -> body " + answer.body());
            }
        }
        assertEquals(List.of(), wrong, "rows answered other than the policy says");

        Curl expired = curl("plaintext", "GET", "/orders/1", expiredToken);
        assertEquals("Jwt is expired", expired.body());
        assertTrue(expired.headers().contains("www-authenticate: Bearer realm=\"http://127.0.0.1:" + port
                + "/orders/1\", error=\"invalid_token\""), expired.headers());

        String metrics = Http.get("http://127.0.0.1:" + adminPort + "/metrics").body();
        assertTrue(MetricsTest.value(metrics, "istio_requests_total{reporter=\"destination\",source_principal=\""
                + TrustDomain.id("frontend") + "\",response_code=\"403\",response_flags=\"RBAC\"}") >= 2, metrics);
        assertTrue(MetricsTest.value(metrics, "istio_requests_total{reporter=\"destination\","
                + "response_code=\"401\",response_flags=\"-\"}") >= 4, metrics);
        server.awaitErrorLine(l -> l.contains("inbound port " + port + ": 403 RBAC for DELETE /orders/1 from "
                + TrustDomain.id("frontend") + ": denied by deletes-need-the-admin-role"));
    }

    @Test
    void agentsAsCallersOverMutualTls() throws Exception {
        AppJvm.Result frontendCalls = callThroughTheMesh(frontend, "GET", "http://orders/orders/1",
                "--header", "Authorization:Bearer " + adminToken, "http://orders/orders/2");
        assertEquals(List.of("200", "200"), statuses(frontendCalls));
        AppJvm.Result deletes = callThroughTheMesh(frontend, "DELETE", "http://orders/orders/1",
                "--header", "Authorization:Bearer " + adminToken, "http://orders/orders/2");
        assertEquals(List.of("403", "200"), statuses(deletes));
        AppJvm.Result billingCalls = callThroughTheMesh(billing, "GET", "http://orders/orders/1",
                "--header", "Authorization:Bearer " + userToken, "http://orders/orders/2",
                "--header", "Authorization:Bearer " + expiredToken, "http://orders/orders/3");
        assertEquals(List.of("403", "200", "401"), statuses(billingCalls));
    }

    private static AppJvm.Result callThroughTheMesh(Path identity, String method, String... urls) throws Exception {
        Path policy = Policy.write(dir, "workload: caller\n" + TrustDomain.identityYaml(identity) + """
                services:
                  orders:
                    endpoints: [ 127.0.0.1:%d ]
                    tls: { mode: mutual, serverIdentity: "%s" }
                """.formatted(port, TrustDomain.id("orders")));
        List<String> args = new ArrayList<>(List.of("jdk-sync", "--method", method));
        args.addAll(List.of(urls));
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                .run(CallerApp.class.getName(), args)) {
            return app.await();
        }
    }

    private static List<String> statuses(AppJvm.Result result) {
        List<String> statuses = result.stdout().stream().filter(l -> l.startsWith("RESULT ")).map(l -> l.split(" ")[2])
                .toList();
        assertEquals(List.of(), result.errors(), result.toString());
        return statuses;
    }

    private static String token(String name) {
        return switch (name) {
            case "none" -> null;
            case "user" -> userToken;
            case "admin" -> adminToken;
            case "expired" -> expiredToken;
            case "audience" -> otherAudienceToken;
            case "forged" -> forgedToken;
            default -> throw new IllegalArgumentException(name);
        };
    }

    record Curl(String status, String headers, String body) {}

    /** One request with curl, as the caller: over mTLS with its certificate, or plaintext. */
    private static Curl curl(String caller, String method, String path, String token) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--path-as-is", "-X", method, "-D", "-",
                "--max-time", "20"));
        if (caller.equals("plaintext")) {
            command.add("http://127.0.0.1:" + port + path);
        } else {
            Path identity = caller.equals("frontend") ? frontend : billing;
            // the server's certificate names a SPIFFE ID, not a host: this test checks the server's rules, not curl's
            command.addAll(List.of("-k", "--cert", identity.resolve("cert.pem").toString(),
                    "--key", identity.resolve("key.pem").toString(), "https://127.0.0.1:" + port + path));
        }
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("curl did not end: " + command);
        }
        int split = out.indexOf("\r\n\r\n");
        if (split < 0) {
            return new Curl("none", out, "");
        }
        String head = out.substring(0, split);
        return new Curl(head.split(" ")[1], head, out.substring(split + 4));
    }

    private static String cli(String... args) throws Exception {
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli(args)) {
            AppJvm.Result result = cli.await();
            assertEquals(0, result.exitCode(), "jmesh-agent.jar " + String.join(" ", args) + ": " + result);
            return result.stdout().isEmpty() ? "" : result.stdout().get(result.stdout().size() - 1);
        }
    }
}

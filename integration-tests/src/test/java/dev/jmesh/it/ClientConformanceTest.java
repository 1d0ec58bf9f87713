package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static dev.jmesh.it.HttpRoutingTest.assertNear;
import static dev.jmesh.it.HttpRoutingTest.total;
import static dev.jmesh.it.MetricsTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same contract for every supported client ({@link Client}): routing and balancing per
 * request, the logical name as {@code Host}, the endpoint's port whatever port the URL names,
 * metrics, retries and failover, POST safety, deadlines, the breaker and outlier ejection,
 * in a real JVM with the agent, on JDK 17 and JDK 25, against real backends failing for real.
 * Every backend is started per test.
 */
class ClientConformanceTest {

    static final String SOURCE = "reporter=\"source\",source_workload=\"it-caller\"";

    /**
     * A service of its own to warm the client up on, so that the warm-up does not wait out a
     * slow backend (each test runs 22 to 34 times).
     */
    private static final String WARM = """
              warm:
                endpoints: [ %s ]
            """;

    @TempDir
    Path dir;
    final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    static Stream<Arguments> everyClientOnEveryJdk() {
        return Stream.of(Jdk.values()).flatMap(jdk -> Stream.of(Client.values()).map(c -> Arguments.of(jdk, c)));
    }

    /**
     * Every client on JDK 17, and on JDK 25 those whose HTTP stack is the JDK's own: a library
     * client runs the same bytecode on both, and the first test still runs it on both (the
     * agent's start and its hooks into the library on each JDK).
     */
    static Stream<Arguments> everyClientAndEveryJdkStack() {
        return everyClientOnEveryJdk().filter(a -> a.get()[0] == Jdk.JDK17 || ((Client) a.get()[1]).onTheJdksOwnHttp());
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientOnEveryJdk")
    void everyRequestIsBalancedCountedAndUnknownHostsPassThrough(Jdk jdk, Client client) throws Exception {
        start(3);
        int adminPort = FreePort.pick();
        Path policy = policy("""
                admin: { port: %d }
                services:
                  equal:
                    endpoints: [ %s, %s, %s ]
                  weighted:
                    balancer: weighted-round-robin
                    endpoints:
                      - { address: %s, weight: 1 }
                      - { address: %s, weight: 3 }
                """, adminPort, address(0), address(1), address(2), address(0), address(1));
        String equalUrl = "http://equal/items";
        String weightedUrl = "http://weighted/items?sort=asc";
        String direct = "http://localhost:" + backends.get(2).port() + "/direct";
        // A port the policy does not name, where another server listens on the endpoints' host.
        Backend decoy = Backend.start("decoy");
        backends.add(decoy);
        String otherPort = "http://equal:" + decoy.port() + "/port";
        AppJvm.Result result;
        String metrics;
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(client.classPath())
                .run(CALLER, List.of(client.mode, "60*" + equalUrl, "80*" + weightedUrl, "5*" + direct,
                        "6*" + otherPort, "--hold"))) {
            app.awaitLine("DONE"::equals);
            HttpResponse<String> page = Http.get("http://127.0.0.1:" + adminPort + "/metrics");
            metrics = page.body();
            app.writeLine("exit");
            result = app.await();
        }
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), result.errors());

        Map<String, Integer> equal = result.backendsFor(equalUrl);
        assertEquals(60, total(equal), equal::toString);
        for (int i = 0; i < 3; i++) {
            assertNear(20, equal.getOrDefault("r" + i, 0), 5, "equal split " + equal);
        }
        Map<String, Integer> weighted = result.backendsFor(weightedUrl);
        assertEquals(80, total(weighted), weighted::toString);
        assertNear(20, weighted.getOrDefault("r0", 0), 5, "1:3 split " + weighted);
        assertNear(60, weighted.getOrDefault("r1", 0), 5, "1:3 split " + weighted);

        // The server sees the logical name as Host, as it would behind a sidecar.
        assertEquals(List.of("equal"), result.fieldValues(equalUrl, "host"));
        assertEquals(List.of("weighted"), result.fieldValues(weightedUrl, "host"));
        // A host the mesh does not know goes where the application said, untouched.
        assertEquals(Map.of("r2", 5), result.backendsFor(direct));
        assertEquals(List.of("localhost:" + backends.get(2).port()), result.fieldValues(direct, "host"));

        // The endpoint's port replaces the application's: the name alone selects the service.
        assertEquals(6, total(result.backendsFor(otherPort)), result::toString);
        assertEquals(0, decoy.hits(), "no request reached the endpoints' host on the application's port");

        assertEquals(66, value(metrics, "istio_requests_total{" + SOURCE
                + ",destination_service=\"equal\",response_code=\"200\",response_flags=\"-\"}"), metrics);
        assertEquals(80, value(metrics, "istio_requests_total{" + SOURCE
                + ",destination_service=\"weighted\",response_code=\"200\",response_flags=\"-\"}"), metrics);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void aBackendKilledMidRunCostsTheApplicationNoCall(Jdk jdk, Client client) throws Exception {
        start(3);
        Path policy = policy("""
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure, reset, gateway-error ] }
                """, address(0), address(1), address(2));
        String url = "http://orders/kill";
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(client.classPath())
                .run(CALLER, List.of(client.mode, "60*" + url, "--pace", "15"))) {
            // Let a third of the calls through, then kill one backend under load.
            app.awaitLines(line -> line.startsWith("RESULT "), 20);
            assertTrue(backends.get(2).hits() > 0, "the backend to kill was in use");
            backends.get(2).kill();
            AppJvm.Result result = app.await();
            assertEquals(List.of(), result.errors(), result::toString);
            assertEquals(Map.of(200, 60), result.statusesFor(url), result::toString);
            assertEquals(0, result.exitCode(), result::toString);
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void a503BackendIsRetriedElsewhereThenEjected(Jdk jdk, Client client) throws Exception {
        start(3);
        backends.get(0).answering(503);
        Path policy = policy("""
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                    retries: { attempts: 3, retryOn: [ 503 ] }
                    outlierDetection: { consecutiveErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50 }
                """, address(0), address(1), address(2));
        String url = "http://orders/flaky";
        // Paced, so that (async clients too) few calls are in flight when the ejection lands.
        AppJvm.Result result = run(jdk, client, policy, List.of("60*" + url, "--pace", "10"));
        assertEquals(Map.of(200, 60), result.statusesFor(url), result::toString);
        int seen = backends.get(0).hits();
        assertTrue(seen >= 5 && seen <= 10, "the 503 backend saw " + seen + " of 60 calls");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void postsAreRetriedOnlyWhenNothingReachedTheServer(Jdk jdk, Client client) throws Exception {
        start(2);
        Backend unavailable = backends.get(0).answering(503);
        Backend alive = backends.get(1);
        Path policy = policy("""
                services:
                  busy:
                    endpoints: [ %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure, reset, 503 ] }
                  failover:
                    endpoints: [ %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure ] }
                """, unavailable.address(), DeadPort.address(), alive.address());
        AppJvm.Result result = run(jdk, client, policy,
                List.of("5*http://busy/orders", "6*http://failover/orders", "--method", "POST"));
        // Answered 503: the POST reached the server, so it is not sent again.
        assertEquals(Map.of(503, 5), result.statusesFor("http://busy/orders"), result::toString);
        assertEquals(5, unavailable.posts());
        // Refused connection: nothing was sent, so the POST fails over.
        assertEquals(Map.of(200, 6), result.statusesFor("http://failover/orders"), result::toString);
        assertEquals(6, alive.posts());
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void theTimeoutBoundsTheWholeCall(Jdk jdk, Client client) throws Exception {
        start(2);
        backends.get(0).delaying(3000);
        Path policy = policy("""
                services:
                  slow:
                    endpoints: [ %s ]
                    timeout: 1s
                    retries: { attempts: 3, retryOn: [ reset, connect-failure ] }
                %s""", address(0), WARM.formatted(address(1)));
        // Warmed up first: what is timed is the policy's deadline, not a fresh JVM's first call.
        AppJvm.Result result = run(jdk, client, policy, List.of("--warmup", "http://warm/warmup", "http://slow/report"));
        List<String> lines = result.linesFor("http://slow/report");
        assertEquals(1, lines.size(), result::toString);
        String line = lines.get(0);
        // The library's timeout exception, which a framework may wrap in its own.
        assertTrue(line.startsWith("ERROR ") && (line.contains("Timeout") || line.contains("timed out")), line);
        long millis = AppJvm.Result.millis(line);
        assertTrue(millis >= 900 && millis < 1900, "timed out after " + millis + " ms: " + line);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void allEndpointsDownFailsFastNamingTheService(Jdk jdk, Client client) throws Exception {
        Path policy = policy("""
                services:
                  gone:
                    endpoints: [ %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure ] }
                """, DeadPort.address(), DeadPort.address());
        AppJvm.Result result = run(jdk, client, policy, List.of("--warmup", "http://gone/warmup", "http://gone/x"));
        String line = result.linesFor("http://gone/x").get(0);
        assertTrue(line.startsWith("ERROR ") && line.contains("jmesh: gone: no endpoint reachable"), line);
        assertTrue(AppJvm.Result.millis(line) < 1000, line);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("everyClientAndEveryJdkStack")
    void overTheBreakerLimitCallsFailFast(Jdk jdk, Client client) throws Exception {
        start(2);
        backends.get(0).delaying(500);
        Path policy = policy("""
                services:
                  narrow:
                    endpoints: [ %s ]
                    circuitBreaker: { maxConcurrentRequests: 2 }
                %s""", address(0), WARM.formatted(address(1)));
        // Six calls at once: from one thread for an asynchronous client, from six for a blocking one.
        AppJvm.Result result = run(jdk, client, policy,
                List.of("--warmup", "http://warm/warmup", "6*http://narrow/x", "--threads", "6"));
        assertEquals(Map.of(200, 2), result.statusesFor("http://narrow/x"), result::toString);
        List<String> rejected = result.errors();
        assertEquals(4, rejected.size(), result::toString);
        for (String line : rejected) {
            assertTrue(line.contains("jmesh: narrow: circuit breaker open") && AppJvm.Result.millis(line) < 400, line);
        }
    }

    private void start(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            backends.add(Backend.start("r" + i));
        }
    }

    private String address(int backend) {
        return backends.get(backend).address();
    }

    private Path policy(String template, Object... args) {
        return Policy.write(dir, "workload: it-caller\n" + template.formatted(args));
    }

    private static AppJvm.Result run(Jdk jdk, Client client, Path policy, List<String> args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(client.mode);
        all.addAll(args);
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(client.classPath())
                .run(CALLER, all)) {
            return app.await();
        }
    }
}

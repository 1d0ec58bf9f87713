package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retries, failover, outlier ejection, deadlines, budgets and breakers, with real backends
 * failing for real, in each client mode. Every backend is started per test.
 */
class ResilienceTest {

    @TempDir
    Path dir;
    final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    /** The four client modes; the OkHttp ones on both major versions. */
    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of("jdk-sync", "okhttp4"),
                Arguments.of("jdk-async", "okhttp4"),
                Arguments.of("okhttp-sync", "okhttp4"),
                Arguments.of("okhttp-async", "okhttp5"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modes")
    void aBackendKilledMidRunCostsTheApplicationNoCall(String client, String libs) throws Exception {
        start(3);
        Path policy = policy("""
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure, reset, gateway-error ] }
                """, backends.get(0).address(), backends.get(1).address(), backends.get(2).address());
        String url = "http://orders/kill";
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(libs))
                .run(CALLER, List.of(client, "90*" + url, "--pace", "15"))) {
            // Let a third of the calls through, then kill one backend under load.
            app.awaitLines(line -> line.startsWith("RESULT "), 30);
            assertTrue(backends.get(2).hits() > 0, "the backend to kill was in use");
            backends.get(2).kill();
            AppJvm.Result result = app.await();
            assertEquals(List.of(), result.errors(), result::toString);
            assertEquals(Map.of(200, 90), result.statusesFor(url), result::toString);
            assertEquals(0, result.exitCode(), result::toString);
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modes")
    void a503BackendIsRetriedElsewhereThenEjected(String client, String libs) throws Exception {
        start(3);
        backends.get(0).answering(503);
        Path policy = policy("""
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                    retries: { attempts: 3, retryOn: [ 503 ] }
                    outlierDetection: { consecutiveErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50 }
                """, backends.get(0).address(), backends.get(1).address(), backends.get(2).address());
        String url = "http://orders/flaky";
        // Paced, so that (async clients too) few calls are in flight when the ejection lands.
        AppJvm.Result result = run(client, libs, policy, List.of("100*" + url, "--pace", "10"));
        assertEquals(Map.of(200, 100), result.statusesFor(url), result::toString);
        int seen = backends.get(0).hits();
        assertTrue(seen >= 5 && seen <= 10, "the 503 backend saw " + seen + " of 100 calls");
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modes")
    void postsAreRetriedOnlyWhenNothingReachedTheServer(String client, String libs) throws Exception {
        start(2);
        Backend unavailable = backends.get(0).answering(503);
        Backend alive = backends.get(1);
        String dead = DeadPort.address();
        Path policy = policy("""
                services:
                  busy:
                    endpoints: [ %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure, reset, 503 ] }
                  failover:
                    endpoints: [ %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure ] }
                """, unavailable.address(), dead, alive.address());
        AppJvm.Result result = run(client, libs, policy,
                List.of("5*http://busy/orders", "6*http://failover/orders", "--method", "POST"));
        // Answered 503: the POST reached the server, so it is not sent again.
        assertEquals(Map.of(503, 5), result.statusesFor("http://busy/orders"), result::toString);
        assertEquals(5, unavailable.posts());
        // Refused connection: nothing was sent, so the POST fails over.
        assertEquals(Map.of(200, 6), result.statusesFor("http://failover/orders"), result::toString);
        assertEquals(6, alive.posts());
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modes")
    void theTimeoutBoundsTheWholeCall(String client, String libs) throws Exception {
        start(1);
        backends.get(0).delaying(3000);
        Path policy = policy("""
                services:
                  slow:
                    endpoints: [ %s ]
                    timeout: 1s
                    retries: { attempts: 3, retryOn: [ reset, connect-failure ] }
                """, backends.get(0).address());
        // Warmed up first: what is timed is the policy's deadline, not a fresh JVM's first call.
        AppJvm.Result result = run(client, libs, policy, List.of("--warmup", "http://slow/warmup", "http://slow/report"));
        List<String> lines = result.linesFor("http://slow/report");
        assertEquals(1, lines.size(), result::toString);
        String line = lines.get(0);
        assertTrue(line.startsWith("ERROR ") && line.contains("Timeout"), line);
        long millis = AppJvm.Result.millis(line);
        assertTrue(millis >= 900 && millis < 1900, "timed out after " + millis + " ms: " + line);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modes")
    void allEndpointsDownFailsFastNamingTheService(String client, String libs) throws Exception {
        Path policy = policy("""
                services:
                  gone:
                    endpoints: [ %s, %s ]
                    retries: { attempts: 3, retryOn: [ connect-failure ] }
                """, DeadPort.address(), DeadPort.address());
        AppJvm.Result result = run(client, libs, policy, List.of("--warmup", "http://gone/warmup", "http://gone/x"));
        String line = result.linesFor("http://gone/x").get(0);
        assertTrue(line.startsWith("ERROR ") && line.contains("ConnectException")
                && line.contains("jmesh: gone: no endpoint reachable"), line);
        assertTrue(AppJvm.Result.millis(line) < 1000, line);
    }

    @Test
    void theRetryBudgetCapsRetriesUnderATotalOutage() throws Exception {
        start(3);
        for (Backend b : backends) {
            b.answering(503);
        }
        Path policy = policy("""
                services:
                  down:
                    endpoints: [ %s, %s, %s ]
                    retries:
                      attempts: 3
                      retryOn: [ 503 ]
                      backoff: { base: 1ms, max: 2ms }
                      budget: { ratio: 0.2, minPerSecond: 1 }
                """, backends.get(0).address(), backends.get(1).address(), backends.get(2).address());
        int calls = 200;
        AppJvm.Result result = run("jdk-sync", "okhttp4", policy, List.of(calls + "*http://down/x"));
        assertEquals(Map.of(503, calls), result.statusesFor("http://down/x"), result::toString);
        int hits = backends.stream().mapToInt(Backend::hits).sum();
        double ratio = (hits - calls) / (double) calls;
        System.out.printf("retry budget under total outage: %d calls, %d retries, ratio %.3f "
                + "(budget 0.2 + 10 reserve; unbudgeted would be 2.0)%n", calls, hits - calls, ratio);
        // 0.2 of the requests plus the 10-retry reserve of minPerSecond 1 over the 10 s window.
        assertTrue(ratio <= 0.2 + 10.0 / calls + 0.01, "retry ratio " + ratio);
        assertTrue(ratio >= 0.15, "the budget allows retries: " + ratio);
    }

    @Test
    void overTheBreakerLimitCallsFailFast() throws Exception {
        start(1);
        backends.get(0).delaying(500);
        Path policy = policy("""
                services:
                  narrow:
                    endpoints: [ %s ]
                    circuitBreaker: { maxConcurrentRequests: 2 }
                """, backends.get(0).address());
        AppJvm.Result result = run("jdk-async", "okhttp4", policy, List.of("--warmup", "http://narrow/warmup", "6*http://narrow/x"));
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

    private Path policy(String template, Object... args) {
        return Policy.write(dir, template.formatted(args));
    }

    private static AppJvm.Result run(String client, String libs, Path policy, List<String> args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(client);
        all.addAll(args);
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(libs)).run(CALLER, all)) {
            return app.await();
        }
    }
}

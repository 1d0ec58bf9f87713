package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.TcpCallerApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Subsets, routes, splits, faults, mirrors, rate limits and locality, in real JVMs with the
 * JDK client and OkHttp against real backends, whose own counts say what reached them.
 */
class TrafficManagementTest {

    /** The two HTTP clients every feature is shown with. */
    enum Caller {
        JDK("jdk-sync", "okhttp4"),
        OKHTTP("okhttp-sync", "okhttp4");

        final String mode;
        final String libs;

        Caller(String mode, String libs) {
            this.mode = mode;
            this.libs = libs;
        }
    }

    @TempDir
    Path dir;
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    private Backend backend(String name) throws Exception {
        Backend backend = Backend.start(name);
        backends.add(backend);
        return backend;
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aWeightedSplitIsExactOverTenThousandCalls(Caller caller) throws Exception {
        Backend v1a = backend("v1a");
        Backend v1b = backend("v1b");
        Backend v2 = backend("v2");
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints:
                      - { address: %s, labels: { version: v1 } }
                      - { address: %s, labels: { version: v1 } }
                      - { address: %s, labels: { version: v2 } }
                    subsets: { stable: { version: v1 }, canary: { version: v2 } }
                    routes:
                      - { name: all, split: { stable: 90, canary: 10 } }
                """.formatted(v1a.address(), v1b.address(), v2.address()));
        // Four threads at once: the split is one counter, exact however many threads share it.
        AppJvm.Result result = run(caller, policy, "--threads", "4", "10000*http://orders/split");
        assertEquals(10_000, v1a.hits() + v1b.hits() + v2.hits(), result::toString);
        // The backends' own counts: exactly 90/10 (the bound is 1 %; the split is exact).
        assertEquals(1_000, v2.hits(), "canary share over 10,000 calls");
        assertEquals(9_000, v1a.hits() + v1b.hits());
        assertEquals(v1a.hits(), v1b.hits(), 2, "the stable subset is balanced round-robin");
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aHeaderSendsTestersToTheCanaryAndAHashKeyMakesASplitSticky(Caller caller) throws Exception {
        Backend stable = backend("stable");
        Backend canary = backend("canary");
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints:
                      - { address: %s, labels: { version: v1 } }
                      - { address: %s, labels: { version: v2 } }
                    subsets: { stable: { version: v1 }, canary: { version: v2 } }
                    routes:
                      - name: testers
                        match: { headers: { x-canary: { exact: "true" } } }
                        to: canary
                      - name: users
                        match: { path: { prefix: /users/ }, methods: [ GET ] }
                        split: { stable: 50, canary: 50 }
                        hashKey: header:x-user
                      - { name: rest, to: stable }
                """.formatted(stable.address(), canary.address()));
        AppJvm.Result result = run(caller, policy, "--header", "x-canary:true", "20*http://orders/anything",
                "--no-headers", "20*http://orders/other",
                "--header", "x-user:u{i}", "200*http://orders/users/a", "200*http://orders/users/b");
        assertEquals(Map.of("canary", 20), result.backendsFor("http://orders/anything"));
        assertEquals(Map.of("stable", 20), result.backendsFor("http://orders/other"));
        // The same 200 users twice, on two URLs: each user lands where it landed the first time.
        List<String> first = backendOfEachCall(result, "http://orders/users/a");
        List<String> second = backendOfEachCall(result, "http://orders/users/b");
        assertEquals(first, second);
        long onCanary = first.stream().filter("canary"::equals).count();
        assertTrue(onCanary > 60 && onCanary < 140, "about half the users on the canary: " + onCanary);
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void anAbortAndARateLimitedCallNeverReachABackendAndAreFlagged(Caller caller) throws Exception {
        Backend aborted = backend("aborted");
        Backend limited = backend("limited");
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: it-traffic
                admin: { port: %d }
                services:
                  broken:
                    endpoints: [ { address: %s, labels: { v: a } } ]
                    subsets: { all: { v: a } }
                    routes:
                      - { name: r, to: all, fault: { abort: { percent: 100, status: 503 } } }
                  limited:
                    endpoints: [ %s ]
                    rateLimit: { requestsPerSecond: 0.1, burst: 5 }
                """.formatted(adminPort, aborted.address(), limited.address()));
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(caller.libs))
                .run(CALLER, List.of(caller.mode, "10*http://broken/x", "20*http://limited/x", "--hold"))) {
            app.awaitLine("DONE"::equals);
            // The admin endpoint starts off the main thread: the calls may be done before it listens.
            String metrics = ControlPlanes.awaitPage(app, adminPort, "/metrics", page -> true);
            String config = Http.get("http://127.0.0.1:" + adminPort + "/config").body();
            assertTrue(config.contains("    subsets:\n      all: { \"v\": \"a\" }\n")
                    && config.contains("      - name: r\n        split: { all: 100 }\n"
                            + "        fault: { abort: { percent: 100, status: 503 } }\n")
                    && config.contains("    rateLimit: { requestsPerSecond: 0.1, burst: 5 }"), config);
            AppJvm.Result status;
            try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("status", Integer.toString(adminPort))) {
                status = cli.await();
            }
            assertTrue(status.stdout().stream().anyMatch(l -> l.matches("broken +" + aborted.address()
                    + " +healthy( +\\S+){6} +all")), status::toString);
            assertTrue(status.stdout().contains("broken   r      any    all 100%; abort 503 on 100%"), status::toString);
            app.writeLine("exit");
            AppJvm.Result result = app.await();
            assertEquals(Map.of(503, 10), result.statusesFor("http://broken/x"), result::toString);
            assertTrue(result.linesFor("http://broken/x").get(0).contains("fault injected (route r): answered 503 by the mesh"),
                    result.linesFor("http://broken/x").get(0));
            assertEquals(Map.of(200, 5, 429, 15), result.statusesFor("http://limited/x"), result::toString);
            assertEquals(0, aborted.hits(), "no aborted call reached the backend");
            assertEquals(5, limited.hits(), "only the burst reached the backend");
            String source = "reporter=\"source\",source_workload=\"it-traffic\"";
            assertEquals(10, MetricsTest.value(metrics, "istio_requests_total{" + source
                    + ",destination_service=\"broken\",response_code=\"503\",response_flags=\"FI\"}"), metrics);
            assertEquals(15, MetricsTest.value(metrics, "istio_requests_total{" + source
                    + ",destination_service=\"limited\",response_code=\"429\",response_flags=\"RL\"}"), metrics);
        }
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aDelayHoldsTheRequestAndAPerRouteTimeoutCutsASlowOne(Caller caller) throws Exception {
        Backend fast = backend("fast");
        Backend slow = backend("slow").delaying(1_500);
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints:
                      - { address: %s, labels: { speed: fast } }
                      - { address: %s, labels: { speed: slow } }
                    subsets: { fast: { speed: fast }, slow: { speed: slow } }
                    routes:
                      - name: delayed
                        match: { path: { exact: /delayed } }
                        to: fast
                        fault: { delay: { percent: 100, duration: 400ms } }
                      - name: bounded
                        match: { path: { exact: /bounded } }
                        to: slow
                        timeout: 300ms
                        retries: { attempts: 1 }
                """.formatted(fast.address(), slow.address()));
        AppJvm.Result result = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(caller.libs))
                .run(CALLER, List.of(caller.mode, "3*http://orders/delayed", "2*http://orders/bounded")).await();
        for (String line : result.linesFor("http://orders/delayed")) {
            assertTrue(line.startsWith("RESULT ") && AppJvm.Result.millis(line) >= 400, line);
        }
        List<String> bounded = result.linesFor("http://orders/bounded");
        assertEquals(2, bounded.size(), result::toString);
        for (String line : bounded) {
            // Cut at the route's 300 ms, not after the backend's 1.5 s.
            assertTrue(line.startsWith("ERROR ") && AppJvm.Result.millis(line) < 1_200, line);
        }
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aMirrorThatHangsOrFailsChangesNothingForTheCaller(Caller caller) throws Exception {
        Backend primary = backend("primary");
        Backend hanging = backend("hanging").delaying(3_000);
        Backend failing = backend("failing").answering(500);
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints:
                      - { address: %s, labels: { role: primary } }
                      - { address: %s, labels: { role: hanging } }
                      - { address: %s, labels: { role: failing } }
                    subsets: { primary: { role: primary }, hanging: { role: hanging }, failing: { role: failing } }
                    routes:
                      - { name: slow-shadow, match: { path: { prefix: /a } }, to: primary, mirror: { to: hanging } }
                      - { name: bad-shadow, match: { path: { prefix: /b } }, to: primary, mirror: { to: failing } }
                """.formatted(primary.address(), hanging.address(), failing.address()));
        // POSTs first: were any copied, the copies would have reached the mirror before the GETs' copies.
        AppJvm.Result posts = run(caller, policy, "--method", "POST", "10*http://orders/a");
        assertEquals(Map.of(200, 10), posts.statusesFor("http://orders/a"), posts::toString);
        AppJvm.Result result = run(caller, policy, "30*http://orders/a", "30*http://orders/b");
        assertEquals(Map.of("primary", 30), result.backendsFor("http://orders/a"), result::toString);
        assertEquals(Map.of(200, 30), result.statusesFor("http://orders/a"), result::toString);
        assertEquals(Map.of(200, 30), result.statusesFor("http://orders/b"), result::toString);
        for (String line : result.linesFor("http://orders/a")) {
            assertTrue(AppJvm.Result.millis(line) < 2_000, "a copy to a mirror that takes 3 s never holds the call: " + line);
        }
        assertEquals(70, primary.hits());
        hanging.awaitHits(30); // every GET copied
        failing.awaitHits(30);
        assertEquals(0, hanging.posts(), "a POST is not mirrored unless the route says so");
        assertEquals(30, hanging.hits());
        assertEquals(30, failing.hits());
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void trafficStaysInTheWorkloadsZoneAndSpillsOverWhenItsEndpointsFail(Caller caller) throws Exception {
        Backend a1 = backend("a1");
        Backend a2 = backend("a2");
        Backend a3 = backend("a3");
        Backend b1 = backend("b1");
        Path policy = Policy.write(dir, """
                zone: a
                services:
                  orders:
                    endpoints:
                      - { address: %s, zone: a }
                      - { address: %s, zone: a }
                      - { address: %s, zone: b }
                      - { address: %s, zone: a }
                      - { address: %s, zone: a }
                """.formatted(a1.address(), a2.address(), b1.address(), DeadPort.address(), a3.address()));
        // A dead endpoint in zone a: its calls fail over within the zone and it is ejected; with 3 of 4
        // left (1.4 × 3/4 ≥ 1) the zone still takes everything.
        AppJvm.Result result = run(caller, policy, "300*http://orders/local");
        assertEquals(Map.of(200, 300), result.statusesFor("http://orders/local"), result::toString);
        assertEquals(0, b1.hits(), "zone a keeps its traffic while enough of it is healthy");
        assertEquals(300, a1.hits() + a2.hits() + a3.hits());
    }

    @Test
    void aTcpServiceSplitsConnectionsBetweenSubsets() throws Exception {
        try (LineServer old = LineServer.named("old"); LineServer next = LineServer.named("next")) {
            Path policy = Policy.write(dir, """
                    services:
                      echo:
                        protocol: tcp
                        endpoints:
                          - { address: %s, labels: { release: old } }
                          - { address: %s, labels: { release: next } }
                        subsets: { old: { release: old }, next: { release: next } }
                        routes:
                          - { name: all, split: { old: 75, next: 25 } }
                    """.formatted(old.address(), next.address()));
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath())
                    .run(TcpCallerApp.class.getName(), List.of("echo", "1", "socket", "200"))) {
                AppJvm.Result result = app.await();
                assertEquals(0, result.exitCode(), result::toString);
                Map<String, Integer> servers = result.stdout().stream().filter(l -> l.startsWith("CONNECTED socket "))
                        .map(l -> l.split(" ")[2]).collect(Collectors.toMap(Function.identity(), s -> 1, Integer::sum));
                assertEquals(Map.of("old", 150, "next", 50), servers, result::toString);
            }
        }
    }

    private List<String> backendOfEachCall(AppJvm.Result result, String url) {
        List<String> backends = new ArrayList<>();
        for (String line : result.linesFor(url)) {
            Map<String, String> fields = new HashMap<>();
            for (String part : line.split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            backends.add(fields.get("backend"));
        }
        return backends;
    }

    private static AppJvm.Result run(Caller caller, Path policy, String... args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(caller.mode);
        all.addAll(List.of(args));
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(caller.libs)).run(CALLER, all)) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            return result;
        }
    }
}

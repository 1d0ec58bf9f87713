package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint of a real agent after a known set of calls: exact Istio counters,
 * flags for failures, the other pages, and the {@code status} command.
 */
class MetricsTest {

    static final String SOURCE = "reporter=\"source\",source_workload=\"it-caller\"";

    @TempDir
    static Path dir;
    static Backend ok;
    static Backend unavailable;
    static AppJvm app;
    static int adminPort;

    @BeforeAll
    static void callThenHold() throws Exception {
        ok = Backend.start("m0");
        unavailable = Backend.start("m1").answering(503);
        adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: it-caller
                admin: { port: %d }
                services:
                  orders:
                    endpoints: [ %s ]
                  broken:
                    endpoints: [ %s ]
                  gone:
                    endpoints: [ %s ]
                """.formatted(adminPort, ok.address(), unavailable.address(), DeadPort.address()));
        app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("okhttp-sync", "17*http://orders/m", "3*http://broken/m", "2*http://gone/m", "--hold"));
        app.awaitLine("DONE"::equals);
        // The admin endpoint starts off the main thread: the calls may be done before it listens.
        ControlPlanes.awaitPage(app, adminPort, "/healthz", page -> true);
    }

    @AfterAll
    static void release() throws Exception {
        if (app != null) {
            app.writeLine("exit");
            app.await();
            app.close();
        }
        ok.close();
        unavailable.close();
    }

    @Test
    void requestCountsAndHistogramsAreExact() throws Exception {
        String metrics = page("/metrics");
        String orders = SOURCE + ",destination_service=\"orders\",response_code=\"200\",response_flags=\"-\"";
        assertEquals(17, value(metrics, "istio_requests_total{" + orders + "}"), metrics);
        assertEquals(17, value(metrics, "istio_request_duration_milliseconds_count{" + orders + "}"));
        assertEquals(17, value(metrics, "istio_request_duration_milliseconds_bucket{" + orders + ",le=\"+Inf\"}"));
        assertTrue(value(metrics, "istio_request_duration_milliseconds_sum{" + orders + "}") > 0);

        // A 503 is the service's answer: not retried by default, counted as it is.
        assertEquals(3, value(metrics, "istio_requests_total{" + SOURCE
                + ",destination_service=\"broken\",response_code=\"503\",response_flags=\"-\"}"), metrics);
        // A refused connection, retried twice (the default) and still refused: what a sidecar reports.
        assertEquals(2, value(metrics, "istio_requests_total{" + SOURCE
                + ",destination_service=\"gone\",response_code=\"503\",response_flags=\"UF,URX\"}"), metrics);
        assertEquals(4, value(metrics, "jmesh_retries_total{destination_service=\"gone\"}"));
        assertEquals(0, value(metrics, "jmesh_retries_total{destination_service=\"orders\"}"));
        assertEquals(1, value(metrics, "jmesh_endpoint_healthy{destination_service=\"orders\",endpoint=\"" + ok.address() + "\"}"));
        assertEquals(1, value(metrics, "jmesh_config_version"));
        assertTrue(metrics.contains("jmesh_build_info{version=\""), metrics);
        assertTrue(!metrics.contains("/m\""), "no URL in any label");
    }

    @Test
    void healthConfigAndClustersPages() throws Exception {
        assertEquals("ok\n", page("/healthz"));
        String config = page("/config");
        assertTrue(config.startsWith("# jmesh ") && config.contains("policy version 1"), config);
        assertTrue(config.contains("workload: it-caller") && config.contains("  orders:")
                && config.contains("attempts: 3") && config.contains("retryOn: [ connect-failure, reset, refused-stream ]")
                && config.contains("outlierDetection: { consecutiveErrors: 5,") && config.contains("drainTime: 5s"), config);
        String clusters = page("/clusters");
        assertTrue(clusters.contains("orders\t" + ok.address() + "\thealthy\t0\t"), clusters);
    }

    @Test
    void statusPrintsATableFromTheRunningAgent() throws Exception {
        AppJvm.Result result;
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("status", Integer.toString(adminPort))) {
            result = cli.await();
        }
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().get(0).matches("SERVICE +ENDPOINT +STATE +ACTIVE +RPS +P50 +P99 +REQUESTS +ERRORS +SUBSETS"),
                result::toString);
        String orders = result.stdout().stream().filter(l -> l.startsWith("orders ")).findFirst().orElseThrow();
        assertTrue(orders.matches("orders +" + Pattern.quote(ok.address()) + " +healthy +0 +0\\.0 +\\S+ +\\S+ +17 +0 +-"), orders);
        String broken = result.stdout().stream().filter(l -> l.startsWith("broken ")).findFirst().orElseThrow();
        assertTrue(broken.matches("broken +\\S+ +healthy +0 +\\S+ +\\S+ +\\S+ +3 +3 +-"), broken);
        assertTrue(result.stdout().stream().noneMatch(l -> l.startsWith("SERVICE  ROUTE")), "no routes, no routes table");
    }

    @Test
    void statusWithoutAnAgentSaysSo() throws Exception {
        AppJvm.Result result;
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("status", Integer.toString(FreePort.pick()))) {
            result = cli.await();
        }
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().get(0).startsWith("jmesh: no agent admin endpoint at http://127.0.0.1:"), result::toString);
    }

    static String page(String path) throws Exception {
        HttpResponse<String> response = Http.get("http://127.0.0.1:" + adminPort + path);
        assertEquals(200, response.statusCode(), path);
        return response.body();
    }

    /** The sum of the series selected by {@code selector}'s name and labels (see {@link Exposition#sum}). */
    static double value(String exposition, String selector) {
        return Exposition.sum(exposition, selector);
    }
}

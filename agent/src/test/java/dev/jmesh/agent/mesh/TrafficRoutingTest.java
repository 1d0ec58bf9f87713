package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PrometheusText;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.policy.ConfigParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routes, splits, faults, rate limits and locality, call by call on an injected clock. */
class TrafficRoutingTest {

    private static final RequestHeaders NO_HEADERS = name -> null;

    private final FakeClock clock = new FakeClock();
    private final MeshMetrics metrics = new MeshMetrics(null);
    private RouteTable table;

    static final String ORDERS = """
            services:
              orders:
                endpoints:
                  - { address: 10.0.0.1:80, labels: { version: v1 } }
                  - { address: 10.0.0.2:80, labels: { version: v1 } }
                  - { address: 10.0.0.3:80, labels: { version: v2 } }
                subsets:
                  stable: { version: v1 }
                  canary: { version: v2 }
                routes:
                  - name: testers
                    match: { headers: { x-canary: { exact: "yes" } } }
                    to: canary
                  - name: users
                    match: { path: { prefix: /users/ } }
                    split: { stable: 70, canary: 30 }
                    hashKey: header:x-user
                  - name: broken
                    match: { path: { exact: /broken } }
                    to: stable
                    fault: { abort: { percent: 100, status: 503 } }
                  - name: slow
                    match: { path: { exact: /slow } }
                    to: stable
                    timeout: 300ms
                    fault: { delay: { percent: 100, duration: 1s } }
                  - name: limited
                    match: { path: { exact: /limited } }
                    to: stable
                    rateLimit: { requestsPerSecond: 10, burst: 2 }
                  - name: default
                    split: { stable: 90, canary: 10 }
            """;

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    @Test
    void aSplitIsExactOverTenThousandCalls() throws Exception {
        Service orders = service(ORDERS);
        Map<String, Integer> versions = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            versions.merge(version(send(orders, "GET", "/items", NO_HEADERS)), 1, Integer::sum);
        }
        assertEquals(Map.of("v1", 9_000, "v2", 1_000), versions);
        // Counted per subset: the bounded destination_subset label, one series per subset the policy names.
        assertTrue(metricLine("destination_subset=\"canary\"", "response_code=\"200\"").endsWith(" 1000"));
        assertTrue(metricLine("destination_subset=\"stable\"", "response_code=\"200\"").endsWith(" 9000"));
    }

    @Test
    void theFirstMatchingRouteWinsAndAHeaderSendsToTheCanary() throws Exception {
        Service orders = service(ORDERS);
        RequestHeaders canary = name -> name.equals("x-canary") ? "yes" : null;
        for (int i = 0; i < 20; i++) {
            assertEquals("v2", version(send(orders, "GET", "/broken", canary)), "testers comes before broken");
        }
    }

    @Test
    void aSplitWithAHashKeyIsStickyPerKey() throws Exception {
        Service orders = service(ORDERS);
        Map<String, Integer> canaryUsers = new HashMap<>();
        for (int user = 0; user < 1000; user++) {
            String id = "user-" + user;
            RequestHeaders headers = name -> name.equals("x-user") ? id : null;
            String first = version(send(orders, "GET", "/users/" + id, headers));
            for (int again = 0; again < 3; again++) {
                assertEquals(first, version(send(orders, "GET", "/users/" + id, headers)), id);
            }
            canaryUsers.merge(first, 1, Integer::sum);
        }
        assertEquals(300, canaryUsers.get("v2"), 50, "about 30 % of users on the canary: " + canaryUsers);
    }

    @Test
    void anAbortIsTheMeshsOwnReplyAndNoEndpointIsAsked() throws Exception {
        Service orders = service(ORDERS);
        MeshHttpCall call = MeshHttpCallTest.unrouted(orders, "GET", "/broken");
        assertEquals(503, call.route(NO_HEADERS));
        call.end();
        String line = metricLine("response_flags=\"FI\"");
        assertTrue(line.contains("response_code=\"503\"") && line.endsWith(" 1"), line);
    }

    @Test
    void anInjectedDelayComesBeforeTheRouteTimeoutStarts() throws Exception {
        Service orders = service(ORDERS);
        MeshHttpCall call = MeshHttpCallTest.unrouted(orders, "GET", "/slow");
        assertEquals(0, call.route(NO_HEADERS));
        clock.advance(Duration.ofSeconds(1)); // the delay, which the call spent before its first attempt
        call.delayOver();
        assertEquals(300, call.attemptTimeoutMillis(true), "the route's timeout, whole after the delay");
    }

    @Test
    void overTheRateLimitACallIsAnswered429UntilTheBucketRefills() throws Exception {
        Service orders = service(ORDERS);
        assertEquals(0, routed(orders, "/limited"));
        assertEquals(0, routed(orders, "/limited"));
        assertEquals(429, routed(orders, "/limited"));
        clock.advance(Duration.ofMillis(100));
        assertEquals(0, routed(orders, "/limited"));
        assertEquals(429, routed(orders, "/limited"));
        assertEquals(0, routed(orders, "/items"), "other routes are not limited");
    }

    @Test
    void aSubsetWithNoEndpointInRotationFailsAsNoHealthyUpstream() throws Exception {
        Service orders = service(ORDERS);
        orders.endpoints().get(2).health().eject(Long.MAX_VALUE);
        orders.refreshRotation();
        RequestHeaders canary = name -> name.equals("x-canary") ? "yes" : null;
        MeshHttpCall call = MeshHttpCallTest.unrouted(orders, "GET", "/");
        assertEquals(0, call.route(canary));
        IOException e = assertThrows(IOException.class, call::nextEndpoint);
        assertTrue(e.getMessage().contains("no healthy endpoint (1 of 1 in subset canary ejected"), e.getMessage());
        call.end();
    }

    @Test
    void trafficStaysInTheLocalZoneUntilTooFewOfItsEndpointsAreHealthy() throws Exception {
        Service service = service("""
                zone: a
                services:
                  orders:
                    endpoints:
                      - { address: 10.0.0.1:80, zone: a }
                      - { address: 10.0.0.2:80, zone: a }
                      - { address: 10.0.0.3:80, zone: a }
                      - { address: 10.0.0.4:80, zone: a }
                      - { address: 10.0.1.1:80, zone: b }
                      - { address: 10.0.1.2:80, zone: b }
                """);
        assertEquals(1.0, localShare(service, 10_000), 0.0);
        // 3 of 4 healthy: 1.4 × 75 % ≥ 100 %, the zone still takes everything.
        service.endpoints().get(0).health().eject(Long.MAX_VALUE);
        service.refreshRotation();
        assertEquals(1.0, localShare(service, 10_000), 0.0);
        // 2 of 4: 1.4 × 50 % = 70 % stays, 30 % spills to zone b.
        service.endpoints().get(1).health().eject(Long.MAX_VALUE);
        service.refreshRotation();
        assertEquals(0.70, localShare(service, 20_000), 0.02);
        // None left: everything goes to b.
        service.endpoints().get(2).health().eject(Long.MAX_VALUE);
        service.endpoints().get(3).health().eject(Long.MAX_VALUE);
        service.refreshRotation();
        assertEquals(0.0, localShare(service, 1_000), 0.0);
    }

    private double localShare(Service service, int calls) throws IOException {
        int local = 0;
        for (int i = 0; i < calls; i++) {
            local += send(service, "GET", "/", NO_HEADERS).getHostString().startsWith("10.0.0.") ? 1 : 0;
        }
        return local / (double) calls;
    }

    private int routed(Service service, String path) {
        MeshHttpCall call = MeshHttpCallTest.unrouted(service, "GET", path);
        int status = call.route(NO_HEADERS);
        call.end();
        return status;
    }

    /** Where the first attempt of one call goes. */
    private static InetSocketAddress send(Service service, String method, String path, RequestHeaders headers)
            throws IOException {
        MeshHttpCall call = MeshHttpCallTest.unrouted(service, method, path);
        assertEquals(0, call.route(headers));
        InetSocketAddress endpoint = call.nextEndpoint();
        call.onResponse(200);
        call.end();
        return endpoint;
    }

    private static String version(InetSocketAddress endpoint) {
        return endpoint.getHostString().equals("10.0.0.3") ? "v2" : "v1";
    }

    private Service service(String yaml) throws Exception {
        table = RouteTable.of(ConfigParser.parse(yaml, "test").orThrow(), metrics, clock);
        return table.service("orders");
    }

    /** The first {@code istio_requests_total} line with all of {@code labels}. */
    private String metricLine(String... labels) {
        String text = PrometheusText.write(metrics, List.of(), "test");
        return text.lines().filter(l -> l.startsWith("istio_requests_total{") && List.of(labels).stream().allMatch(l::contains))
                .findFirst().orElse("");
    }
}

package dev.jmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    static final PeerMetadata FRONTEND = new PeerMetadata("frontend", "shop", "web", "v1", "eu-1");
    static final PeerMetadata ORDERS = new PeerMetadata("orders", "shop", "orders", "v2", "eu-1");
    static final String FRONTEND_ID = "spiffe://example.org/ns/shop/sa/frontend";
    static final String ORDERS_ID = "spiffe://example.org/ns/shop/sa/orders";

    @Test
    void writesIstioSeriesWithCumulativeBuckets() {
        MeshMetrics metrics = new MeshMetrics("front\"end");
        ServiceMetrics orders = metrics.service("orders");
        orders.requests(null, null).record(200, ResponseFlags.NONE, 3_000_000, 10, 2000);   // 3 ms
        orders.requests(null, null).record(200, ResponseFlags.NONE, 40_000_000, -1, 5);     // 40 ms
        orders.requests(null, null).record(503, ResponseFlags.UF.retriesExhausted(), 1_000_000, 0, 0);
        orders.recordRetry();
        String text = PrometheusText.write(metrics,
                List.of(new ServiceGauges("orders", 0, List.of(new ServiceGauges.EndpointGauge("10.0.0.1:80", true, 2)))), "1.0");

        String ok = "istio_requests_total{reporter=\"source\",source_workload=\"front\\\"end\",destination_service=\"orders\","
                + "response_code=\"200\",response_flags=\"-\"}";
        assertEquals(2, value(text, ok));
        String okDuration = "source_workload=\"front\\\"end\",response_code=\"200\"";
        assertEquals(0, value(text, "istio_request_duration_milliseconds_bucket{" + okDuration + ",le=\"1\"}"));
        assertEquals(1, value(text, "istio_request_duration_milliseconds_bucket{" + okDuration + ",le=\"5\"}"));
        assertEquals(2, value(text, "istio_request_duration_milliseconds_bucket{" + okDuration + ",le=\"50\"}"));
        assertEquals(2, value(text, "istio_request_duration_milliseconds_bucket{" + okDuration + ",le=\"+Inf\"}"));
        assertEquals(43, value(text, "istio_request_duration_milliseconds_sum{" + okDuration + "}"));
        // Sizes: an unknown size counts as 0, so every request is in the histogram.
        assertEquals(10, value(text, "istio_request_bytes_sum{" + okDuration + "}"));
        assertEquals(2, value(text, "istio_request_bytes_count{" + okDuration + "}"));
        assertEquals(2005, value(text, "istio_response_bytes_sum{" + okDuration + "}"));
        assertEquals(1, value(text, "istio_response_bytes_bucket{" + okDuration + ",le=\"1000\"}"));
        assertEquals(1, value(text, "istio_requests_total{response_code=\"503\",response_flags=\"UF,URX\"}"));
        assertEquals(1, value(text, "jmesh_retries_total{destination_service=\"orders\"}"));
        assertEquals(2, value(text, "jmesh_endpoint_active_requests{destination_service=\"orders\",endpoint=\"10.0.0.1:80\"}"));
        assertTrue(text.contains("# TYPE istio_request_duration_milliseconds histogram\n"), text);
        assertTrue(text.contains("# TYPE istio_response_bytes histogram\n"), text);
    }

    @Test
    void theSourceNamesTheDestinationItsAnswerDescribesAndTheIdentityTheMeshVerified() {
        MeshMetrics metrics = new MeshMetrics(FRONTEND, FRONTEND_ID);
        metrics.service("orders").requests(ORDERS_ID, ORDERS.header()).record(200, ResponseFlags.NONE, 1, 0, 0);
        Map<String, String> labels = labelsOf(PrometheusText.write(metrics, List.of(), "1"), "istio_requests_total");

        assertEquals(Map.ofEntries(
                Map.entry("reporter", "source"),
                Map.entry("source_workload", "frontend"), Map.entry("source_workload_namespace", "shop"),
                Map.entry("source_principal", FRONTEND_ID), Map.entry("source_app", "web"),
                Map.entry("source_version", "v1"), Map.entry("source_cluster", "eu-1"),
                Map.entry("source_canonical_service", "web"), Map.entry("source_canonical_revision", "v1"),
                Map.entry("destination_workload", "orders"), Map.entry("destination_workload_namespace", "shop"),
                Map.entry("destination_principal", ORDERS_ID), Map.entry("destination_app", "orders"),
                Map.entry("destination_version", "v2"), Map.entry("destination_cluster", "eu-1"),
                Map.entry("destination_service", "orders"), Map.entry("destination_service_name", "orders"),
                Map.entry("destination_service_namespace", "shop"),
                Map.entry("destination_canonical_service", "orders"), Map.entry("destination_canonical_revision", "v2"),
                Map.entry("request_protocol", "http"), Map.entry("connection_security_policy", "unknown"),
                Map.entry("response_code", "200"), Map.entry("response_flags", "-")), labels);
    }

    @Test
    void theDestinationTakesAnIdentityOnlyFromTheConnection() {
        MeshMetrics metrics = new MeshMetrics(ORDERS, ORDERS_ID);
        // A plaintext caller says it is frontend: its metadata is shown, but it is no principal.
        metrics.served().requests(null, FRONTEND.header() + ";service=orders-api").record(201, ResponseFlags.NONE, 1, 5, 7);
        // An authenticated caller whose header claims another workload: its certificate wins.
        metrics.served().requests(FRONTEND_ID, "workload=admin;namespace=kube-system;app=web;version=v1;cluster=eu-1")
                .record(200, ResponseFlags.NONE, 1, 0, 0);
        String text = PrometheusText.write(metrics, List.of(), "1");

        Map<String, String> plaintext = labelsOf(text, "istio_requests_total{reporter=\"destination\",response_code=\"201\"");
        assertEquals("frontend", plaintext.get("source_workload"));
        assertEquals("unknown", plaintext.get("source_principal"));
        assertEquals("unknown", plaintext.get("destination_principal"));
        assertEquals("none", plaintext.get("connection_security_policy"));
        assertEquals("orders-api", plaintext.get("destination_service"), "the name the caller called");
        assertEquals("orders", plaintext.get("destination_workload"));

        Map<String, String> mtls = labelsOf(text, "istio_requests_total{reporter=\"destination\",response_code=\"200\"");
        assertEquals("frontend", mtls.get("source_workload"));
        assertEquals("shop", mtls.get("source_workload_namespace"));
        assertEquals(FRONTEND_ID, mtls.get("source_principal"));
        assertEquals(ORDERS_ID, mtls.get("destination_principal"));
        assertEquals("mutual_tls", mtls.get("connection_security_policy"));
        assertEquals("orders", mtls.get("destination_service"), "no name given: the workload's own");
    }

    @Test
    void whatAPeerSaysIsBoundedAndCannotBreakTheExposition() {
        MeshMetrics metrics = new MeshMetrics(ORDERS, null);
        metrics.served().requests(null, "workload=a\"b;namespace=x\ny;version=v1").record(200, ResponseFlags.NONE, 1, 0, 0);
        for (int i = 0; i < PeerCounts.MAX_PEERS + 50; i++) {
            metrics.served().requests(null, "workload=w" + i).record(200, ResponseFlags.NONE, 1, 0, 0);
        }
        String text = PrometheusText.write(metrics, List.of(), "1");
        List<String> series = text.lines().filter(l -> l.startsWith("istio_requests_total{")).toList();
        assertEquals(PeerCounts.MAX_PEERS, series.size(), "one per label set, unknown included");
        assertFalse(text.contains("a\"b") || text.contains("x\ny"), text);
        assertEquals(PeerCounts.MAX_PEERS + 51, value(text, "istio_requests_total{reporter=\"destination\"}"));
        assertTrue(value(text, "istio_requests_total{source_workload=\"unknown\"}") >= 51);
    }

    /** The sum of the series of {@code name{labels}} whose labels include the given ones, as PromQL's sum(). */
    static double value(String exposition, String selector) {
        int brace = selector.indexOf('{');
        String name = selector.substring(0, brace);
        Map<String, String> wanted = labels(selector.substring(brace + 1, selector.length() - 1));
        double sum = 0;
        boolean found = false;
        for (String line : exposition.lines().toList()) {
            if (line.startsWith(name + "{") && labels(line.substring(name.length() + 1, line.lastIndexOf('}')))
                    .entrySet().containsAll(wanted.entrySet())) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + selector + " in\n" + exposition);
        }
        return sum;
    }

    /** The labels of the first series that starts with {@code prefix}. */
    static Map<String, String> labelsOf(String exposition, String prefix) {
        int brace = prefix.indexOf('{');
        String name = brace < 0 ? prefix : prefix.substring(0, brace);
        Map<String, String> wanted = brace < 0 ? Map.of() : labels(prefix.substring(brace + 1));
        for (String line : exposition.lines().toList()) {
            if (line.startsWith(name + "{")) {
                Map<String, String> labels = labels(line.substring(name.length() + 1, line.lastIndexOf('}')));
                if (labels.entrySet().containsAll(wanted.entrySet())) {
                    return labels;
                }
            }
        }
        throw new AssertionError("no series " + prefix);
    }

    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Map<String, String> labels(String text) {
        Map<String, String> labels = new java.util.HashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}

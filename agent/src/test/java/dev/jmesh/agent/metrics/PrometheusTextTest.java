package dev.jmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void writesIstioSeriesWithCumulativeBuckets() {
        MeshMetrics metrics = new MeshMetrics("front\"end");
        ServiceMetrics orders = metrics.service("orders");
        orders.recordRequest(200, ResponseFlags.NONE, 3_000_000);   // 3 ms
        orders.recordRequest(200, ResponseFlags.NONE, 40_000_000);  // 40 ms
        orders.recordRequest(503, ResponseFlags.UF.retriesExhausted(), 1_000_000);
        orders.recordRetry();
        String text = PrometheusText.write(metrics,
                List.of(new ServiceGauges("orders", 0, List.of(new ServiceGauges.EndpointGauge("10.0.0.1:80", true, 2)))), "1.0");

        String labels = "reporter=\"source\",source_workload=\"front\\\"end\",destination_service=\"orders\","
                + "response_code=\"200\",response_flags=\"-\"";
        assertTrue(text.contains("istio_requests_total{" + labels + "} 2\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"1\"} 0\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"5\"} 1\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"50\"} 2\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"0.5\"} 0\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"+Inf\"} 2\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_sum{" + labels + "} 43\n"), text);
        assertTrue(text.contains("response_code=\"503\",response_flags=\"UF,URX\"} 1\n"), text);
        assertTrue(text.contains("jmesh_retries_total{destination_service=\"orders\"} 1\n"), text);
        assertTrue(text.contains("jmesh_endpoint_active_requests{destination_service=\"orders\",endpoint=\"10.0.0.1:80\"} 2\n"), text);
        assertTrue(text.contains("# TYPE istio_request_duration_milliseconds histogram\n"), text);
    }
}

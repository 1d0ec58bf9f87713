package dev.jmesh.agent.metrics;

import dev.jmesh.agent.accesslog.AccessLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the registry in Prometheus' text exposition format (0.0.4), with Istio's metric
 * names and labels for requests and {@code jmesh_} names for the mesh's own figures.
 */
public final class PrometheusText {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {}

    public static String write(MeshMetrics metrics, List<ServiceGauges> gauges, String version) {
        StringBuilder out = new StringBuilder(4096);
        List<RequestCounts> requests = requestCounts(metrics);

        out.append("# HELP istio_requests_total Requests this workload made (reporter source) and served (reporter"
                + " destination).\n");
        out.append("# TYPE istio_requests_total counter\n");
        for (RequestCounts counts : requests) {
            for (RequestSeries s : counts.series()) {
                out.append("istio_requests_total{").append(seriesLabels(counts, s)).append("} ")
                        .append(s.count()).append('\n');
            }
        }
        out.append("# HELP istio_request_duration_milliseconds Duration of requests: at the source the whole call,"
                + " retries included; at the destination until the response was written.\n");
        out.append("# TYPE istio_request_duration_milliseconds histogram\n");
        for (RequestCounts counts : requests) {
            for (RequestSeries s : counts.series()) {
                histogram(out, "istio_request_duration_milliseconds", seriesLabels(counts, s), s.duration);
            }
        }
        out.append("# HELP istio_request_bytes Request body sizes, in bytes.\n");
        out.append("# TYPE istio_request_bytes histogram\n");
        for (RequestCounts counts : requests) {
            for (RequestSeries s : counts.series()) {
                histogram(out, "istio_request_bytes", seriesLabels(counts, s), s.requestBytes);
            }
        }
        out.append("# HELP istio_response_bytes Response body sizes, in bytes.\n");
        out.append("# TYPE istio_response_bytes histogram\n");
        for (RequestCounts counts : requests) {
            for (RequestSeries s : counts.series()) {
                histogram(out, "istio_response_bytes", seriesLabels(counts, s), s.responseBytes);
            }
        }

        // Like request series, tcp series appear with a service's first connection attempt.
        List<ServiceMetrics> tcp = metrics.services().stream().filter(ServiceMetrics::hasTcpActivity).toList();
        List<InboundMetrics.Series> inbound = List.copyOf(metrics.inbound().series());
        out.append("# HELP istio_tcp_connections_opened_total TCP connections opened by (source) or to (destination)"
                + " this workload.\n");
        out.append("# TYPE istio_tcp_connections_opened_total counter\n");
        for (ServiceMetrics service : tcp) {
            tcpLine(out, "istio_tcp_connections_opened_total", service.tcpLabels(), service.tcpOpened.sum());
        }
        for (InboundMetrics.Series in : inbound) {
            tcpLine(out, "istio_tcp_connections_opened_total", in.labels, in.opened.sum());
        }
        out.append("# HELP istio_tcp_connections_closed_total TCP connections closed.\n");
        out.append("# TYPE istio_tcp_connections_closed_total counter\n");
        for (ServiceMetrics service : tcp) {
            tcpLine(out, "istio_tcp_connections_closed_total", service.tcpLabels(), service.tcpClosed.sum());
        }
        for (InboundMetrics.Series in : inbound) {
            tcpLine(out, "istio_tcp_connections_closed_total", in.labels, in.closed.sum());
        }
        out.append("# HELP istio_tcp_received_bytes_total Bytes received from downstream on TCP connections: at the"
                + " source, what the application wrote; at the destination, what callers sent.\n");
        out.append("# TYPE istio_tcp_received_bytes_total counter\n");
        for (ServiceMetrics service : tcp) {
            tcpLine(out, "istio_tcp_received_bytes_total", service.tcpLabels(), service.tcpBytes.received.sum());
        }
        for (InboundMetrics.Series in : inbound) {
            tcpLine(out, "istio_tcp_received_bytes_total", in.labels, in.received.sum());
        }
        out.append("# HELP istio_tcp_sent_bytes_total Bytes sent downstream on TCP connections: at the source, what"
                + " the application read; at the destination, what callers were sent.\n");
        out.append("# TYPE istio_tcp_sent_bytes_total counter\n");
        for (ServiceMetrics service : tcp) {
            tcpLine(out, "istio_tcp_sent_bytes_total", service.tcpLabels(), service.tcpBytes.sent.sum());
        }
        for (InboundMetrics.Series in : inbound) {
            tcpLine(out, "istio_tcp_sent_bytes_total", in.labels, in.sent.sum());
        }
        out.append("# HELP jmesh_inbound_refused_total Callers turned away at the inbound port (plaintext in strict,"
                + " failed or unauthorized mTLS).\n");
        out.append("# TYPE jmesh_inbound_refused_total counter\n");
        out.append("jmesh_inbound_refused_total ").append(metrics.inbound().refused.get()).append('\n');
        out.append("# HELP jmesh_tcp_connect_failures_total TCP connect attempts that failed (each endpoint tried counts).\n");
        out.append("# TYPE jmesh_tcp_connect_failures_total counter\n");
        for (ServiceMetrics service : tcp) {
            out.append("jmesh_tcp_connect_failures_total{destination_service=\"").append(escape(service.service()))
                    .append("\"} ").append(service.tcpConnectFailures.sum()).append('\n');
        }
        out.append("# HELP jmesh_tcp_connect_duration_milliseconds Time to open a TCP connection, fail-overs included.\n");
        out.append("# TYPE jmesh_tcp_connect_duration_milliseconds histogram\n");
        for (ServiceMetrics service : tcp) {
            histogram(out, "jmesh_tcp_connect_duration_milliseconds",
                    "destination_service=\"" + escape(service.service()) + "\"", service.tcpConnectDuration);
        }

        counter(out, "jmesh_retries_total", "Retries made.", metrics, s -> s.retries.sum());
        counter(out, "jmesh_retry_budget_exhausted_total", "Retries not made because the retry budget was spent.",
                metrics, s -> s.retryBudgetExhausted.sum());
        out.append("# HELP jmesh_circuit_breaker_rejections_total Calls or retries refused by a circuit breaker limit.\n");
        out.append("# TYPE jmesh_circuit_breaker_rejections_total counter\n");
        for (ServiceMetrics s : metrics.services()) {
            out.append("jmesh_circuit_breaker_rejections_total{destination_service=\"").append(escape(s.service()))
                    .append("\",limit=\"maxConcurrentRequests\"} ").append(s.concurrencyRejections.sum()).append('\n');
            out.append("jmesh_circuit_breaker_rejections_total{destination_service=\"").append(escape(s.service()))
                    .append("\",limit=\"maxPendingRequests\"} ").append(s.pendingRejections.sum()).append('\n');
        }
        counter(out, "jmesh_ejections_total", "Endpoints ejected by outlier detection.", metrics, s -> s.ejections.sum());
        out.append("# HELP jmesh_mirrored_requests_total Copies of requests for mirrors: sent, dropped (too many in"
                + " flight), or unsupported (the client library cannot copy a request).\n");
        out.append("# TYPE jmesh_mirrored_requests_total counter\n");
        for (ServiceMetrics s : metrics.services()) {
            long sent = s.mirrorsSent.sum();
            long dropped = s.mirrorsDropped.sum();
            long unsupported = s.mirrorsUnsupported.sum();
            if (sent + dropped + unsupported > 0) {
                String service = "jmesh_mirrored_requests_total{destination_service=\"" + escape(s.service()) + "\",result=\"";
                out.append(service).append("sent\"} ").append(sent).append('\n');
                out.append(service).append("dropped\"} ").append(dropped).append('\n');
                out.append(service).append("unsupported\"} ").append(unsupported).append('\n');
            }
        }

        out.append("# HELP jmesh_ejections_active Endpoints ejected now.\n");
        out.append("# TYPE jmesh_ejections_active gauge\n");
        for (ServiceGauges g : gauges) {
            out.append("jmesh_ejections_active{destination_service=\"").append(escape(g.service())).append("\"} ")
                    .append(g.ejected()).append('\n');
        }
        out.append("# HELP jmesh_endpoint_healthy Whether an endpoint is in rotation (1) or not (0).\n");
        out.append("# TYPE jmesh_endpoint_healthy gauge\n");
        for (ServiceGauges g : gauges) {
            for (ServiceGauges.EndpointGauge e : g.endpoints()) {
                out.append("jmesh_endpoint_healthy{destination_service=\"").append(escape(g.service()))
                        .append("\",endpoint=\"").append(escape(e.endpoint())).append("\"} ")
                        .append(e.healthy() ? 1 : 0).append('\n');
            }
        }
        out.append("# HELP jmesh_endpoint_active_requests Requests in flight to an endpoint (tcp services: open connections).\n");
        out.append("# TYPE jmesh_endpoint_active_requests gauge\n");
        for (ServiceGauges g : gauges) {
            for (ServiceGauges.EndpointGauge e : g.endpoints()) {
                out.append("jmesh_endpoint_active_requests{destination_service=\"").append(escape(g.service()))
                        .append("\",endpoint=\"").append(escape(e.endpoint())).append("\"} ")
                        .append(e.active()).append('\n');
            }
        }
        AccessLog accessLog = metrics.accessLog();
        if (accessLog != null) {
            out.append("# HELP jmesh_access_log_dropped_total Access log lines dropped because writing fell behind.\n");
            out.append("# TYPE jmesh_access_log_dropped_total counter\n");
            out.append("jmesh_access_log_dropped_total ").append(accessLog.dropped()).append('\n');
        }
        out.append("# HELP jmesh_config_version Version of the policy in effect.\n");
        out.append("# TYPE jmesh_config_version gauge\n");
        out.append("jmesh_config_version ").append(metrics.configVersion()).append('\n');
        if (metrics.linkState() >= 0) {
            out.append("# HELP jmesh_control_link_connected Whether the control link is up (1) or not (0).\n");
            out.append("# TYPE jmesh_control_link_connected gauge\n");
            out.append("jmesh_control_link_connected ").append(metrics.linkState()).append('\n');
            out.append("# HELP jmesh_control_push_total Pushed snapshots applied (ack) or rejected (nack).\n");
            out.append("# TYPE jmesh_control_push_total counter\n");
            out.append("jmesh_control_push_total{result=\"ack\"} ").append(metrics.pushAcks()).append('\n');
            out.append("jmesh_control_push_total{result=\"nack\"} ").append(metrics.pushNacks()).append('\n');
            out.append("# HELP jmesh_control_snapshot_info The pushed snapshot in effect, always 1.\n");
            out.append("# TYPE jmesh_control_snapshot_info gauge\n");
            out.append("jmesh_control_snapshot_info{version=\"").append(escape(metrics.snapshotVersion()))
                    .append("\"} 1\n");
        }
        out.append("# HELP jmesh_build_info The agent's build, always 1.\n");
        out.append("# TYPE jmesh_build_info gauge\n");
        out.append("jmesh_build_info{version=\"").append(escape(version)).append("\",java_version=\"")
                .append(escape(System.getProperty("java.version", "unknown"))).append("\"} 1\n");
        return out.toString();
    }

    private interface Figure {
        long of(ServiceMetrics s);
    }

    private static void counter(StringBuilder out, String name, String help, MeshMetrics metrics, Figure figure) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (ServiceMetrics s : metrics.services()) {
            out.append(name).append("{destination_service=\"").append(escape(s.service())).append("\"} ")
                    .append(figure.of(s)).append('\n');
        }
    }

    private static void histogram(StringBuilder out, String name, String labels, Histogram histogram) {
        long[] cumulative = histogram.cumulative();
        double[] bounds = histogram.bounds();
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{").append(labels).append(",le=\"")
                    .append(number(bounds[i])).append("\"} ").append(cumulative[i]).append('\n');
        }
        long count = cumulative[cumulative.length - 1];
        out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(number(histogram.sum())).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(count).append('\n');
    }

    private static void tcpLine(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append(",response_flags=\"-\"} ").append(value).append('\n');
    }

    private static String seriesLabels(RequestCounts counts, RequestSeries s) {
        return counts.labels + ",response_code=\"" + s.responseCode + "\",response_flags=\"" + s.flags.label() + "\"";
    }

    /** What each service and its subsets counted (reporter source), then what this workload served (destination). */
    private static List<RequestCounts> requestCounts(MeshMetrics metrics) {
        List<RequestCounts> all = new ArrayList<>();
        for (ServiceMetrics service : metrics.services()) {
            all.addAll(service.requestCounts());
            for (ServiceMetrics subset : service.subsets()) {
                all.addAll(subset.requestCounts());
            }
        }
        all.addAll(metrics.served().requestCounts());
        return all;
    }

    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

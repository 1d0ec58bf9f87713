package dev.jmesh.policy;

import java.util.Map;
import java.util.Objects;

/**
 * One instance of an upstream service.
 *
 * @param host   IPv4 literal, IPv6 literal (without brackets) or DNS name
 * @param port   TCP port, 1..65535
 * @param weight relative share of traffic for weighted balancers, 1..10000
 * @param zone   locality label, or {@code null}
 * @param labels what the endpoint is (e.g. {@code version: v2}), which subsets select on; unmodifiable
 */
public record EndpointConfig(String host, int port, int weight, String zone, Map<String, String> labels) {

    public EndpointConfig {
        Objects.requireNonNull(host, "host");
        labels = Map.copyOf(labels);
    }

    /** An endpoint without labels. */
    public EndpointConfig(String host, int port, int weight, String zone) {
        this(host, port, weight, zone, Map.of());
    }

    /** {@code host:port}, with IPv6 hosts re-bracketed, e.g. {@code [::1]:8080}. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** Whether this endpoint carries every label of {@code selector}. */
    public boolean matches(Map<String, String> selector) {
        for (Map.Entry<String, String> label : selector.entrySet()) {
            if (!label.getValue().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }
}

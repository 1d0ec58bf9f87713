package dev.jmesh.agent.config;

import java.util.Objects;

/**
 * One instance of an upstream service.
 *
 * @param host   IPv4 literal, IPv6 literal (without brackets) or DNS name
 * @param port   TCP port, 1..65535
 * @param weight relative share of traffic for weighted balancers, 1..10000
 * @param zone   locality label, or {@code null}
 */
public record EndpointConfig(String host, int port, int weight, String zone) {

    public EndpointConfig {
        Objects.requireNonNull(host, "host");
    }

    /** {@code host:port}, with IPv6 hosts re-bracketed, e.g. {@code [::1]:8080}. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}

package dev.jmesh.agent.metrics;

import java.util.List;

/** Point-in-time figures of one service, read from the live route table at scrape time. */
public record ServiceGauges(String service, int ejected, List<EndpointGauge> endpoints) {

    /** @param endpoint {@code ip:port}, bounded by the policy, never by traffic */
    public record EndpointGauge(String endpoint, boolean healthy, int active) {}
}

package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PolicyYamlTest {

    static final String FULL = """
            workload: shop
            admin: { port: 15000, bind: 127.0.0.1 }
            services:
              orders:
                endpoints:
                  - 10.0.1.5:8080
                  - { address: "[::1]:8080", weight: 3, zone: b }
                balancer: ring-hash
                hashKey: header:X-User-Id
                slowStart: 30s
                timeout: 1500ms
                retries:
                  attempts: 3
                  perTryTimeout: 500ms
                  retryOn: [ reset, 503, connect-failure, gateway-error ]
                  backoff: { base: 10ms, max: 1m }
                  budget: { ratio: 0.25, minPerSecond: 3 }
                  retryNonIdempotent: true
                circuitBreaker: { maxConcurrentRequests: 10, maxPendingRequests: 0 }
                outlierDetection: { consecutiveErrors: 2, interval: 5s, baseEjectionTime: 1h, maxEjectionPercent: 30 }
                healthCheck: { path: /healthz, interval: 2s, timeout: 100ms }
              payments:
                endpoints: [ pay.internal:443 ]
                outlierDetection: off
            drainTime: 2s
            """;

    @Test
    void renderedPolicyParsesBackToTheSamePolicy() throws ConfigException {
        MeshConfig original = ConfigParser.parse(FULL, "full.yaml").orThrow();
        String rendered = PolicyYaml.render(original);
        ParseResult again = ConfigParser.parse(rendered, "rendered.yaml");
        assertTrue(again.ok(), () -> again.errors() + "\n" + rendered);
        assertEquals(original, again.config(), rendered);
    }

    @Test
    void defaultsAreSpelledOut() throws ConfigException {
        String rendered = PolicyYaml.render(ConfigParser.parse("services:\n  a:\n    endpoints: [ 10.0.0.1:80 ]\n", "x").orThrow());
        assertTrue(rendered.contains("balancer: round-robin"), rendered);
        assertTrue(rendered.contains("attempts: 3"), rendered);
        assertTrue(rendered.contains("retryOn: [ connect-failure, reset, refused-stream ]"), rendered);
        assertTrue(rendered.contains("outlierDetection: { consecutiveErrors: 5, interval: 10s, baseEjectionTime: 30s,"
                + " maxEjectionPercent: 50 }"), rendered);
        assertTrue(rendered.contains("drainTime: 5s"), rendered);
        assertTrue(rendered.contains("circuitBreaker: { maxConcurrentRequests: 1024, maxPendingRequests: 1024 }"), rendered);
    }
}

package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code protocol: tcp}: what a service balanced per connection may say, and what it may not. */
class TcpServicePolicyTest {

    @Test
    void aTcpServiceTakesEndpointsBalancerTimeoutsAttemptsAndOutlierDetection() {
        ServiceConfig db = valid(lines(
                "services:",
                "  orders-db:",
                "    protocol: tcp",
                "    endpoints: [ 10.0.2.7:5432, 10.0.2.8:5432 ]",
                "    balancer: least-request",
                "    timeout: 3s",
                "    retries: { attempts: 3, perTryTimeout: 1s }",
                "    outlierDetection: { consecutiveErrors: 2 }")).services().get("orders-db");
        assertEquals(Protocol.TCP, db.protocol());
        assertEquals(BalancerKind.LEAST_REQUEST, db.balancer());
        assertEquals(Duration.ofSeconds(3), db.timeout());
        assertEquals(3, db.retries().attempts());
        assertEquals(Duration.ofSeconds(1), db.retries().perTryTimeout());
        assertEquals(2, db.outlierDetection().consecutiveErrors());
    }

    @Test
    void servicesAreHttpUnlessTheySayOtherwise() {
        assertEquals(Protocol.HTTP, valid(lines("services:", "  a:", "    endpoints: [ 10.0.0.1:80 ]"))
                .services().get("a").protocol());
        assertEquals(Protocol.HTTP, valid(lines("services:", "  a:", "    protocol: http",
                "    endpoints: [ 10.0.0.1:80 ]")).services().get("a").protocol());
    }

    @Test
    void anUnknownProtocolIsAnErrorAtItsValue() {
        singleError(lines("services:", "  a:", "    protocol: udp", "    endpoints: [ 10.0.0.1:80 ]"),
                3, 15, "unknown protocol 'udp' (expected http or tcp)");
    }

    @Test
    void httpOnlyKeysAreErrorsOnATcpServiceEachAtItsKey() {
        ParseResult result = parse(lines(
                "services:",
                "  db:",
                "    protocol: tcp",
                "    endpoints: [ 10.0.0.1:5432 ]",
                "    retries:",
                "      attempts: 2",
                "      retryOn: [ connect-failure ]",
                "      budget: { ratio: 0.1 }",
                "    circuitBreaker: { maxConcurrentRequests: 10 }",
                "    healthCheck: { path: /healthz }"));
        assertPositions(result.errors(), "7:7", "8:7", "9:5", "10:5");
        assertEquals("'retryOn' applies to http services only; a tcp service balances connections and fails over"
                + " on connect failures (retries.attempts, retries.perTryTimeout)", result.errors().get(0).message());
    }

    @Test
    void theOrderOfKeysDoesNotMatter() {
        singleError(lines(
                "services:",
                "  db:",
                "    circuitBreaker: { maxConcurrentRequests: 10 }",
                "    endpoints: [ 10.0.0.1:5432 ]",
                "    protocol: tcp"), 3, 5, "'circuitBreaker' applies to http services only");
    }

    @Test
    void aTcpServiceHashesOnTheSourceAddressOnly() {
        ServiceConfig db = valid(lines("services:", "  db:", "    protocol: tcp", "    endpoints: [ 10.0.0.1:5432 ]",
                "    balancer: ring-hash", "    hashKey: source-ip")).services().get("db");
        assertEquals(new HashKey(HashKey.Source.SOURCE_IP, null), db.hashKey());

        singleError(lines("services:", "  db:", "    protocol: tcp", "    endpoints: [ 10.0.0.1:5432 ]",
                "    balancer: maglev", "    hashKey: header:x-user"), 6, 14, "hashKey header:x-user does not fit a tcp service (use source-ip)");
        singleError(lines("services:", "  web:", "    endpoints: [ 10.0.0.1:80 ]",
                "    balancer: ring-hash", "    hashKey: source-ip"), 5, 14, "hashKey source-ip does not fit a http service");
        singleError(lines("services:", "  db:", "    protocol: tcp", "    endpoints: [ 10.0.0.1:5432 ]",
                "    balancer: ring-hash"), 5, 15, "balancer ring-hash needs a hashKey (source-ip)");
    }

    @Test
    void theModelRefusesWhatTheParserRefuses() {
        List<EndpointConfig> endpoints = List.of(new EndpointConfig("10.0.0.1", 5432, 1, null));
        ServiceConfig.Builder db = ServiceConfig.builder("db", endpoints).protocol(Protocol.TCP).outlierDetection(null);
        assertThrows(IllegalArgumentException.class, () -> db.balancer(BalancerKind.RING_HASH)
                .hashKey(new HashKey(HashKey.Source.PATH, null)).build());
        assertThrows(IllegalArgumentException.class, () -> db.balancer(BalancerKind.ROUND_ROBIN).hashKey(null)
                .healthCheck(new HealthCheckPolicy("/", Duration.ofSeconds(1), Duration.ofSeconds(1))).build());
    }

    @Test
    void theEffectivePolicyOfATcpServiceRoundTripsWithoutHttpKeys() {
        MeshConfig config = valid(lines("services:", "  db:", "    protocol: tcp",
                "    endpoints: [ 10.0.0.1:5432, 10.0.0.2:5432 ]", "    balancer: ring-hash", "    hashKey: source-ip",
                "    retries: { attempts: 2, perTryTimeout: 500ms }"));
        String rendered = PolicyYaml.render(config);
        assertEquals(config, valid(rendered), rendered);
    }
}

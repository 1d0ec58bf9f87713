package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.assertProblem;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WarningTest {

    private static String service(String balancerLine) {
        return lines(
                "services:",
                "  orders:",
                balancerLine,
                "    endpoints:",
                "      - { address: 10.0.0.1:80, weight: 3 }",
                "      - 10.0.0.2:80",
                "      - address: 10.0.0.3:80",
                "        weight: 1",
                "      - address: 10.0.0.4:80",
                "        weight: 7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"    balancer: round-robin", "    # default balancer"})
    void weightWithRoundRobinIsAWarningNotAnError(String balancerLine) {
        ParseResult result = parse(service(balancerLine));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertPositions(result.warnings(), "5:41", "10:17");
        assertProblem(result.warnings().get(0), 5, 41,
                "weight is ignored by balancer round-robin; use weighted-round-robin or random");
        assertEquals("mesh.yaml:5:41: weight is ignored by balancer round-robin; use weighted-round-robin or random",
                result.warnings().get(0).toString());
        // The weight is still kept in the model.
        assertEquals(3, result.config().services().get("orders").endpoints().get(0).weight());
    }

    @ParameterizedTest
    @ValueSource(strings = {"weighted-round-robin", "random"})
    void noWarningForWeightedBalancers(String balancer) {
        ParseResult result = parse(service("    balancer: " + balancer));
        assertTrue(result.ok());
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void warningsAreKeptAlongsideErrors() {
        ParseResult result = parse(service("    balancer: round-robin") + "bogus: 1\n");
        assertPositions(result.errors(), "11:1");
        assertPositions(result.warnings(), "5:41", "10:17");
    }

    @Test
    void noWarningWhenBalancerIsInvalid() {
        ParseResult result = parse(service("    balancer: nope"));
        assertPositions(result.errors(), "3:15");
        assertEquals(List.of(), result.warnings());
    }

    // ---- retries ----------------------------------------------------------------------------

    private static String orders(String... lines) {
        return ServicePolicyErrorTest.service(lines);
    }

    @Test
    void perTryTimeoutNotBelowTimeout() {
        ParseResult result = parse(orders(
                "    timeout: 2s",
                "    retries:",
                "      perTryTimeout: 3s"));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertPositions(result.warnings(), "6:22");
        assertProblem(result.warnings().get(0), 6, 22,
                "perTryTimeout 3s is not below timeout 2s: a retry can never start");
    }

    @Test
    void perTryTimeoutEqualToTimeoutAsWritten() {
        // Keys in any order; the message quotes the values as written.
        ParseResult result = parse(orders(
                "    retries: { perTryTimeout: 2000ms }",
                "    timeout: 2s"));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertPositions(result.warnings(), "4:31");
        assertProblem(result.warnings().get(0), 4, 31, "perTryTimeout 2000ms is not below timeout 2s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"    timeout: 2001ms", "    slowStart: 1s"})
    void noWarningWhenPerTryTimeoutFitsOrThereIsNoTimeout(String line) {
        ParseResult result = parse(orders(line, "    retries: { perTryTimeout: 2s }"));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void oneAttemptWithRetrySettings() {
        ParseResult result = parse(orders(
                "    retries:",
                "      attempts: 1",
                "      retryOn: [5xx]",
                "      perTryTimeout: 1s",
                "      backoff: { base: 1s, max: 2s }"));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertNotNull(result.config());
        assertPositions(result.warnings(), "5:17");
        assertProblem(result.warnings().get(0), 5, 17,
                "attempts 1 means no retry: retryOn, backoff will have no effect");
        assertEquals(1, result.config().services().get("orders").retries().attempts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ attempts: 1 }", "{ attempts: 1, perTryTimeout: 1s }", "{ attempts: 2, retryOn: [5xx] }"})
    void noWarningForOneAttemptAlone(String retries) {
        // perTryTimeout still bounds the single attempt, so it is not a retry-only setting.
        ParseResult result = parse(orders("    retries: " + retries));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void bothRetryWarningsTogether() {
        ParseResult result = parse(orders(
                "    timeout: 1s",
                "    retries:",
                "      attempts: 1",
                "      perTryTimeout: 1s",
                "      retryNonIdempotent: true"));
        assertTrue(result.ok(), () -> result.errors().toString());
        assertPositions(result.warnings(), "6:17", "7:22");
        assertProblem(result.warnings().get(0), 6, 17, "attempts 1 means no retry: retryNonIdempotent");
        assertProblem(result.warnings().get(1), 7, 22, "perTryTimeout 1s is not below timeout 1s");
    }
}

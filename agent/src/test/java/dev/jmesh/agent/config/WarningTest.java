package dev.jmesh.agent.config;

import static dev.jmesh.agent.config.TestPolicies.assertPositions;
import static dev.jmesh.agent.config.TestPolicies.assertProblem;
import static dev.jmesh.agent.config.TestPolicies.lines;
import static dev.jmesh.agent.config.TestPolicies.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}

package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void parsedModelIsUnmodifiable() {
        MeshConfig config = valid(lines("services:", "  a:", "    endpoints: [h:1]"));
        ServiceConfig service = config.services().get("a");
        assertThrows(UnsupportedOperationException.class, () -> config.services().put("b", service));
        assertThrows(UnsupportedOperationException.class, () -> config.services().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> service.endpoints().add(service.endpoints().get(0)));
        assertThrows(UnsupportedOperationException.class, () -> service.endpoints().clear());
        assertThrows(UnsupportedOperationException.class, () -> MeshConfig.EMPTY.services().put("a", service));
    }

    @Test
    void recordsCopyTheirInputs() {
        List<EndpointConfig> endpoints = new ArrayList<>(List.of(new EndpointConfig("h", 1, 1, null)));
        ServiceConfig service = new ServiceConfig("a", endpoints, BalancerKind.RANDOM);
        endpoints.add(new EndpointConfig("g", 2, 1, null));
        assertEquals(1, service.endpoints().size());

        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        services.put("z", service);
        services.put("a", service);
        MeshConfig config = new MeshConfig(null, null, services);
        services.clear();
        assertEquals(List.of("z", "a"), List.copyOf(config.services().keySet()), "insertion order kept");
    }

    @Test
    void invariantsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new ServiceConfig("a", List.of(), BalancerKind.RANDOM));
        assertThrows(NullPointerException.class, () -> new ServiceConfig("a", null, BalancerKind.RANDOM));
        assertThrows(NullPointerException.class, () -> new EndpointConfig(null, 1, 1, null));
        assertThrows(NullPointerException.class, () -> new AdminConfig(null, 1));
        assertEquals(Map.of(), new MeshConfig(null, null, null).services());
        assertTrue(MeshConfig.EMPTY.services().isEmpty());
        assertEquals(new MeshConfig(null, null, Map.of()), MeshConfig.EMPTY);
    }

    @Test
    void endpointAddress() {
        assertEquals("10.0.0.1:80", new EndpointConfig("10.0.0.1", 80, 1, null).address());
        assertEquals("[::1]:8080", new EndpointConfig("::1", 8080, 1, null).address());
        assertEquals("orders.svc:443", new EndpointConfig("orders.svc", 443, 5, "a").address());
    }

    @Test
    void balancerNames() {
        assertEquals("round-robin", BalancerKind.ROUND_ROBIN.configName());
        assertEquals("weighted-round-robin", BalancerKind.WEIGHTED_ROUND_ROBIN.configName());
        assertEquals("random", BalancerKind.RANDOM.configName());
        assertEquals("least-request", BalancerKind.LEAST_REQUEST.configName());
        assertEquals("p2c-ewma", BalancerKind.P2C_EWMA.configName());
        assertEquals("ring-hash", BalancerKind.RING_HASH.configName());
        assertEquals("maglev", BalancerKind.MAGLEV.configName());
        for (BalancerKind kind : BalancerKind.values()) {
            assertEquals(Optional.of(kind), BalancerKind.fromConfigName(kind.configName()));
        }
        assertEquals(Optional.empty(), BalancerKind.fromConfigName("ROUND_ROBIN"));
        assertEquals(Optional.empty(), BalancerKind.fromConfigName(null));
    }

    @Test
    void problemToString() {
        assertEquals("mesh.yaml:12:7: boom", new ConfigProblem("mesh.yaml", 12, 7, "boom").toString());
        assertEquals("x.yaml: boom", new ConfigProblem("x.yaml", 0, 0, "boom").toString());
    }

    @Test
    void parseResultOrThrow() throws ConfigException {
        ParseResult ok = parse("workload: web\n");
        assertSame(ok.config(), ok.orThrow());

        ParseResult bad = parse(lines("workload: Web", "nope: 1"));
        ConfigException e = assertThrows(ConfigException.class, bad::orThrow);
        assertEquals(bad.errors(), e.problems());
        assertEquals("mesh.yaml:1:11: invalid workload name 'Web': use lower-case letters, digits, '-' and '.',"
                + " starting and ending with a letter or digit\n"
                + "mesh.yaml:2:1: unknown key 'nope' (expected one of: workload, admin, services, control, inbound, identity, drainTime, zone, namespace, app, version, cluster, accessLog)", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> e.problems().clear());
        assertThrows(UnsupportedOperationException.class, () -> bad.errors().clear());
        assertThrows(UnsupportedOperationException.class, () -> bad.warnings().clear());
    }

    @Test
    void parseResultInvariant() {
        ConfigProblem problem = new ConfigProblem("s", 1, 1, "m");
        assertThrows(IllegalArgumentException.class, () -> new ParseResult(MeshConfig.EMPTY, List.of(problem), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ParseResult(null, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ConfigException(List.of()));
    }
}

package dev.jmesh.agent.config;

import static dev.jmesh.agent.config.TestPolicies.lines;
import static dev.jmesh.agent.config.TestPolicies.parse;
import static dev.jmesh.agent.config.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidPolicyTest {

    private static final String FULL = lines(
            "# the full schema",
            "workload: frontend",
            "admin:",
            "  port: 15000",
            "  bind: \"::1\"",
            "services:",
            "  orders:",
            "    endpoints:",
            "      - 10.0.1.5:8080",
            "      - { address: 10.0.1.6:8080, weight: 2, zone: b }",
            "      - \"[::1]:8080\"",
            "      - backend-1.internal:8080",
            "      - address: \"[2001:DB8::10]:443\"",
            "        weight: 10000",
            "        zone: eu-west-1",
            "    balancer: weighted-round-robin",
            "  payments.v2:",
            "    endpoints: [payments:443]",
            "    balancer: random",
            "  users:",
            "    endpoints: [\"[::ffff:10.0.0.1]:80\"]",
            "    balancer: round-robin");

    @Test
    void fullFile() {
        ParseResult result = parse(FULL);
        assertTrue(result.ok(), () -> result.errors().toString());
        assertEquals(List.of(), result.warnings());
        MeshConfig config = result.config();

        assertEquals("frontend", config.workload());
        assertEquals(new AdminConfig("::1", 15000), config.admin());
        assertEquals(List.of("orders", "payments.v2", "users"), List.copyOf(config.services().keySet()));

        ServiceConfig orders = config.services().get("orders");
        assertEquals("orders", orders.name());
        assertEquals(BalancerKind.WEIGHTED_ROUND_ROBIN, orders.balancer());
        assertEquals(List.of(
                new EndpointConfig("10.0.1.5", 8080, 1, null),
                new EndpointConfig("10.0.1.6", 8080, 2, "b"),
                new EndpointConfig("::1", 8080, 1, null),
                new EndpointConfig("backend-1.internal", 8080, 1, null),
                new EndpointConfig("2001:DB8::10", 443, 10000, "eu-west-1")), orders.endpoints());
        assertEquals(List.of("10.0.1.5:8080", "10.0.1.6:8080", "[::1]:8080", "backend-1.internal:8080",
                "[2001:DB8::10]:443"), orders.endpoints().stream().map(EndpointConfig::address).toList());

        ServiceConfig payments = config.services().get("payments.v2");
        assertEquals(BalancerKind.RANDOM, payments.balancer());
        assertEquals(List.of(new EndpointConfig("payments", 443, 1, null)), payments.endpoints());

        ServiceConfig users = config.services().get("users");
        assertEquals(BalancerKind.ROUND_ROBIN, users.balancer());
        assertEquals("::ffff:10.0.0.1", users.endpoints().get(0).host());
    }

    @Test
    void defaults() {
        MeshConfig config = valid(lines(
                "admin:",
                "  port: 0",
                "services:",
                "  orders:",
                "    endpoints:",
                "      - address: orders:80"));
        assertNull(config.workload());
        assertEquals(new AdminConfig("127.0.0.1", 0), config.admin());
        ServiceConfig orders = config.services().get("orders");
        assertEquals(BalancerKind.ROUND_ROBIN, orders.balancer());
        assertEquals(new EndpointConfig("orders", 80, 1, null), orders.endpoints().get(0));
    }

    @Test
    void minimalFileHasNoAdminAndNoServices() {
        MeshConfig config = valid("workload: web\n");
        assertEquals(new MeshConfig("web", null, java.util.Map.of()), config);
        assertNull(config.admin());
        assertTrue(config.services().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"services: {}\n", "services:\n", "services: ~\n"})
    void emptyOrNullServicesAreFine(String yaml) {
        assertEquals(MeshConfig.EMPTY, valid(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "localhost", "\"::\"", "\"::1\"", "fe80::1:2", "255.255.255.255"})
    void bindAddresses(String bind) {
        MeshConfig config = valid(lines("admin:", "  bind: " + bind, "  port: 65535"));
        assertEquals(bind.replace("\"", ""), config.admin().bind());
        assertEquals(65535, config.admin().port());
    }

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void everyBalancer(BalancerKind kind) {
        MeshConfig config = valid(lines(
                "services:",
                "  s:",
                "    balancer: " + kind.configName(),
                "    endpoints: [s:1]"));
        assertEquals(kind, config.services().get("s").balancer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "web", "web-1", "orders.prod.svc", "a.b-c.d9", "9lives"})
    void validNames(String name) {
        MeshConfig config = valid(lines("workload: " + name, "services:", "  " + name + ":",
                "    endpoints: [h:1]"));
        assertEquals(name, config.workload());
        assertTrue(config.services().containsKey(name));
    }

    @Test
    void longestNameIsAccepted() {
        String name = "a".repeat(253);
        assertEquals(name, valid("workload: " + name + "\n").workload());
    }

    @Test
    void endpointAddressForms() {
        String host63 = "x".repeat(63);
        MeshConfig config = valid(lines(
                "services:",
                "  s:",
                "    endpoints:",
                "      - 0.0.0.0:1",
                "      - 255.255.255.255:65535",
                "      - \"[::]:80\"",
                "      - \"[1:2:3:4:5:6:7:8]:80\"",
                "      - \"[1::8]:80\"",
                "      - \"[::ffff:1.2.3.4]:80\"",
                "      - localhost:80",
                "      - Example.COM:80",
                "      - 10.0.1.5a:80",
                "      - " + host63 + ".example:80"));
        assertEquals(List.of("0.0.0.0", "255.255.255.255", "::", "1:2:3:4:5:6:7:8", "1::8", "::ffff:1.2.3.4",
                        "localhost", "Example.COM", "10.0.1.5a", host63 + ".example"),
                config.services().get("s").endpoints().stream().map(EndpointConfig::host).toList());
    }

    @Test
    void numbersMayBeExplicitlyTaggedInts() {
        assertEquals(15000, valid(lines("admin:", "  port: !!int \"15000\"")).admin().port());
    }

    @Test
    void aliasesAreResolved() {
        MeshConfig config = valid(lines(
                "services:",
                "  a:",
                "    endpoints: &shared [h1:1, h2:2]",
                "  b:",
                "    endpoints: *shared"));
        assertEquals(config.services().get("a").endpoints(), config.services().get("b").endpoints());
    }

    @Test
    void sourceNameDefaultsToString() {
        ParseResult result = ConfigParser.parse("bogus: 1\n", null);
        assertEquals("<string>", result.errors().get(0).source());
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreFine() {
        MeshConfig config = valid("\uFEFFworkload: web\r\nadmin:\r\n  port: 1\r\n");
        assertEquals("web", config.workload());
        assertEquals(1, config.admin().port());
    }
}

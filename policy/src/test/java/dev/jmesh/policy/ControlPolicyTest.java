package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code control:} and {@code inbound:} in the policy file, and documents pushed by the control plane. */
class ControlPolicyTest {

    @Test
    void fullControlBlock() {
        MeshConfig config = valid(lines(
                "workload: web",
                "control:",
                "  servers: [ \"10.0.0.2:15010\", \"10.0.0.3:15010\" ]",
                "  tokenFile: /var/run/jmesh/token",
                "  cacheDir: /var/lib/jmesh",
                "  trustBundle: /var/run/jmesh/mesh-ca.pem",
                "inbound: { port: 8080 }"));
        assertEquals(new ControlConfig(List.of("10.0.0.2:15010", "10.0.0.3:15010"), Path.of("/var/run/jmesh/token"),
                Path.of("/var/lib/jmesh"), Path.of("/var/run/jmesh/mesh-ca.pem")), config.control());
        assertEquals(new InboundConfig(8080), config.inbound());
        assertEquals(config, valid(PolicyYaml.render(config)), "/config's rendering parses back to the same policy");
    }

    @Test
    void serversOnly() {
        MeshConfig config = valid(lines("workload: web", "control: { servers: [ localhost:15010 ] }"));
        assertEquals(new ControlConfig(List.of("localhost:15010"), null, null, null), config.control());
        assertNull(config.inbound());
    }

    @Test
    void errorsWithLineAndColumn() {
        singleError(lines("workload: web", "control: {}"), 2, 1, "missing required key 'servers' in control");
        singleError(lines("workload: web", "control:", "  servers: []"), 3, 12, "servers must not be empty");
        singleError(lines("workload: web", "control:", "  servers: [ 10.0.0.2 ]"), 3, 14,
                "bad endpoint address '10.0.0.2': expected host:port");
        singleError(lines("workload: web", "control:", "  servers: [ a:1, a:1 ]"), 3, 19, "duplicate server 'a:1'");
        singleError(lines("workload: web", "control:", "  servers: [ a:1 ]", "  cache: /tmp"), 4, 3,
                "unknown key 'cache' (expected one of: servers, tokenFile, cacheDir, trustBundle)");
        singleError(lines("workload: web", "control:", "  servers: [ a:1 ]", "  tokenFile: [ x ]"), 4, 14,
                "expected a string, got a sequence");
        singleError(lines("workload: web", "inbound: { port: 0 }"), 2, 18, "port 0 out of range (expected 1..65535)");
        singleError(lines("workload: web", "inbound: { port: 80, secure: yes }"), 2, 22,
                "unknown key 'secure' (expected one of: port, mtls, protocol, allow, authorization, jwt)");
    }

    @Test
    void controlAndInboundNeedAWorkload() {
        ParseResult result = parse(lines("control: { servers: [ a:1 ] }", "inbound: { port: 80 }"));
        assertPositions(result.errors(), "1:1", "2:1");
        assertTrue(result.errors().get(0).message().contains("control needs 'workload'"), result.errors().toString());
        assertTrue(result.errors().get(1).message().contains("inbound needs 'workload'"), result.errors().toString());
    }

    @Test
    void aPushedDocumentHoldsServicesOnlyWithTheSameRules() {
        ParseResult ok = ConfigParser.parsePushed(lines("services:", "  orders:", "    endpoints: [ 10.0.0.1:80 ]"),
                "snapshot v1");
        assertTrue(ok.ok(), ok.errors().toString());
        assertEquals(List.of("orders"), List.copyOf(ok.config().services().keySet()));

        ParseResult bad = ConfigParser.parsePushed(lines(
                "services:",
                "  orders:",
                "    endpoints: [ 10.0.0.1:80 ]",
                "    balancer: round-robbin",
                "admin: { port: 1 }"), "snapshot v2");
        assertEquals(List.of(
                "snapshot v2:4:15: unknown balancer 'round-robbin' (expected one of: round-robin, weighted-round-robin,"
                        + " random, least-request, p2c-ewma, ring-hash, maglev)",
                "snapshot v2:5:1: unknown key 'admin' (expected one of: services)"),
                bad.errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void pushedServicesReplaceTheFilesOfTheSameName() {
        MeshConfig local = valid(lines(
                "workload: web",
                "services:",
                "  orders: { endpoints: [ 10.0.0.1:80 ] }",
                "  users: { endpoints: [ 10.0.0.9:80 ] }"));
        MeshConfig pushed = ConfigParser.parsePushed(lines(
                "services:",
                "  orders: { endpoints: [ 10.0.0.2:80 ] }",
                "  billing: { endpoints: [ 10.0.0.3:80 ] }"), null).config();
        MeshConfig merged = local.withPushed(pushed.services());
        assertEquals(List.of("orders", "users", "billing"), List.copyOf(merged.services().keySet()));
        assertEquals("10.0.0.2", merged.services().get("orders").endpoints().get(0).host());
        assertEquals("web", merged.workload());
    }
}

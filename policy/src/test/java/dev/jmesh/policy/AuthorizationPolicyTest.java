package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.policy.AuthorizationPolicy.Action;
import dev.jmesh.policy.AuthorizationPolicy.Attribute;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code inbound.authorization} (Istio's AuthorizationPolicy) and {@code inbound.jwt}. */
class AuthorizationPolicyTest {

    private static String inbound(String... rest) {
        String[] all = new String[rest.length + 8];
        String[] head = {
            "workload: orders",
            "identity: { trustDomain: example.org, certificate: /c.pem, key: /k.pem, trustBundle: /b.pem }",
            "inbound:",
            "  port: 8080",
            "  mtls: strict"};
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return lines(java.util.Arrays.copyOf(all, head.length + rest.length));
    }

    @Test
    void istiosSpecsAsTheyAreWrittenAndTheTokenRules() {
        MeshConfig config = valid(inbound(
                "  jwt:",
                "    - issuer: https://auth.example.org",
                "      audiences: [ orders ]",
                "      jwksFile: /etc/jmesh/jwks.json",
                "  authorization:",
                "    - name: no-deletes-but-admins",
                "      action: DENY",
                "      rules:",
                "        - to: [ { operation: { methods: [ DELETE ] } } ]",
                "          when: [ { key: \"request.auth.claims[roles]\", notValues: [ admin ] } ]",
                "    - rules:",
                "        - from:",
                "            - source: { principals: [ \"spiffe://example.org/ns/shop/sa/frontend\" ] }",
                "            - source: { requestPrincipals: [ \"https://auth.example.org/*\" ], notNamespaces: [ test ] }",
                "          to:",
                "            - operation: { paths: [ /api/*, \"*.json\" ], hosts: [ Orders ], notMethods: [ CONNECT ] }",
                "          when:",
                "            - key: request.headers[X-Tenant]",
                "              values: [ acme ]",
                "            - key: request.auth.claims[realm][level]",
                "              values: [ gold ]"));
        InboundConfig inbound = config.inbound();
        assertEquals(List.of(new JwtRule("https://auth.example.org", List.of("orders"), Path.of("/etc/jmesh/jwks.json"),
                false)), inbound.jwt());
        AuthorizationPolicy deny = inbound.authorization().get(0);
        assertEquals("no-deletes-but-admins", deny.name());
        assertEquals(Action.DENY, deny.action());
        assertEquals(List.of("DELETE"), deny.rules().get(0).to().get(0).methods().values());
        assertEquals(List.of("admin"), deny.rules().get(0).when().get(0).match().notValues());

        AuthorizationPolicy allow = inbound.authorization().get(1);
        assertEquals("authorization[1]", allow.name(), "named after its place in the list");
        assertEquals(Action.ALLOW, allow.action(), "Istio's default action");
        AuthorizationPolicy.Rule rule = allow.rules().get(0);
        assertEquals(List.of("example.org/ns/shop/sa/frontend"), rule.from().get(0).principals().values(),
                "principals are compared as Istio writes them, without the scheme");
        assertEquals(List.of("test"), rule.from().get(1).namespaces().notValues());
        assertTrue(rule.to().get(0).hosts().matches("orders"), "hosts match ignoring case");
        assertEquals(List.of("x-tenant"), rule.when().get(0).path(), "header names are lower-cased");
        assertEquals(Attribute.CLAIM, rule.when().get(1).attribute());
        assertEquals(List.of("realm", "level"), rule.when().get(1).path());
        assertEquals(config, valid(PolicyYaml.render(config)), "the effective policy round-trips");
    }

    @Test
    void patternsAreIstios() {
        ValueMatch paths = new ValueMatch(List.of("/api/*", "*.json", "/exact"), List.of("/api/private*"), false);
        assertTrue(paths.matches("/api/orders"));
        assertTrue(paths.matches("/x/y.json"));
        assertTrue(paths.matches("/exact"));
        assertFalse(paths.matches("/exact/more"));
        assertFalse(paths.matches("/api/private/keys"), "notValues win");
        assertFalse(paths.matches(null));
        ValueMatch notAnyone = new ValueMatch(List.of(), List.of("*"), false);
        assertTrue(notAnyone.matches(null), "notPrincipals: [*] matches callers without a principal");
        assertFalse(notAnyone.matches("example.org/ns/default/sa/frontend"));
        ValueMatch audiences = new ValueMatch(List.of("orders"), List.of(), false);
        assertTrue(audiences.matchesAnyOf(List.of("billing", "orders")));
        assertFalse(audiences.matchesAnyOf(List.of()));
    }

    @Test
    void whatTheInboundPortCannotEvaluateIsRefusedByNameAtItsPlace() {
        var result = parse(inbound(
                "  authorization:",
                "    - action: AUDIT",
                "    - rules:",
                "        - from: [ { source: { ipBlocks: [ 10.0.0.0/8 ] } } ]",
                "          to: [ { operation: { methods: [ get ], paths: [ api ] } } ]",
                "          when: [ { key: source.ip, values: [ 1.2.3.4 ] }, { key: \"request.headers[a]\" } ]",
                "  jwt:",
                "    - { issuer: a, jwksFile: /j.json }",
                "    - { issuer: a, jwksFile: /k.json }",
                "    - { jwksFile: /k.json }"));
        assertPositions(result.errors(), "7:15", "9:31", "10:43", "10:59", "11:26", "11:60", "14:7", "15:7");
        assertTrue(result.errors().get(1).message().contains("'ipBlocks' is not supported"), result.errors().toString());
        assertTrue(result.errors().get(2).message().contains("upper case"), result.errors().toString());
        assertTrue(result.errors().get(4).message().contains("unsupported condition key 'source.ip'"),
                result.errors().toString());
        assertTrue(result.errors().get(5).message().contains("values or notValues"), result.errors().toString());
        assertTrue(result.errors().get(6).message().contains("second rule for issuer 'a'"), result.errors().toString());
    }

    @Test
    void aPortTheAgentDoesNotOwnCannotAuthorize() {
        var result = parse(lines(
                "workload: orders",
                "inbound:",
                "  port: 8080",
                "  authorization: [ { action: DENY, rules: [ {} ] } ]"));
        assertPositions(result.errors(), "4:3");
        assertEquals("authorization is only used with mtls permissive or strict", result.errors().get(0).message());
    }
}

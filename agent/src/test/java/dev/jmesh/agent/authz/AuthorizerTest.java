package dev.jmesh.agent.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmesh.agent.jwt.VerifiedToken;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ParseResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Istio's evaluation order and matching, on policies read from a policy file as users write them. */
class AuthorizerTest {

    private static final String POLICY = """
            workload: orders
            identity: { trustDomain: example.org, certificate: /c, key: /k, trustBundle: /b }
            inbound:
              port: 8080
              mtls: strict
              authorization:
                - name: no-admin-from-outside-ops
                  action: DENY
                  rules:
                    - from: [ { source: { notNamespaces: [ ops ] } } ]
                      to: [ { operation: { paths: [ /admin/* ] } } ]
                - name: deletes-need-the-admin-role
                  action: DENY
                  rules:
                    - to: [ { operation: { methods: [ DELETE ] } } ]
                      when: [ { key: "request.auth.claims[realm][roles]", notValues: [ admin ] } ]
                - name: frontend-reads
                  rules:
                    - from: [ { source: { principals: [ example.org/ns/shop/sa/frontend ] } } ]
                      to: [ { operation: { methods: [ GET, HEAD ], hosts: [ orders ] } } ]
                - name: signed-in-users
                  rules:
                    - from: [ { source: { requestPrincipals: [ "https://auth.example.org/*" ] } } ]
                      when: [ { key: "request.headers[x-tenant]", values: [ acme, "globex*" ] } ]
                - name: ops
                  rules:
                    - from: [ { source: { namespaces: [ ops ] } } ]
            """;

    private static final Authorizer AUTHORIZER = Authorizer.of(authorization(POLICY));

    private static List<dev.jmesh.policy.AuthorizationPolicy> authorization(String yaml) {
        ParseResult parsed = ConfigParser.parse(yaml, "mesh.yaml");
        return parsed.config().inbound().authorization();
    }

    /** caller: a principal's workload in {@code ns/sa} form, or - ; token: a subject with roles, or - */
    @ParameterizedTest(name = "{0} {1} {2} {3} token={4} tenant={5}: {6}")
    @CsvSource(delimiter = '|', value = {
        "shop/frontend | GET    | /orders/1     | orders      | -          | -      | allowed",
        "shop/frontend | GET    | /orders/1     | orders:8080 | -          | -      | allowed",
        "shop/frontend | POST   | /orders       | orders      | -          | -      | no allow policy matched",
        "shop/frontend | GET    | /orders/1     | elsewhere   | -          | -      | no allow policy matched",
        "shop/frontend | GET    | /admin/keys   | orders      | -          | -      | denied by no-admin-from-outside-ops",
        "ops/console   | GET    | /admin/keys   | orders      | -          | -      | allowed",
        "ops/console   | DELETE | /orders/1     | orders      | -          | -      | denied by deletes-need-the-admin-role",
        "ops/console   | DELETE | /orders/1     | orders      | alice:dev  | -      | denied by deletes-need-the-admin-role",
        "ops/console   | DELETE | /orders/1     | orders      | bob:admin  | -      | allowed",
        "-             | POST   | /orders       | orders      | alice:dev  | acme   | allowed",
        "-             | POST   | /orders       | orders      | alice:dev  | globex-eu | allowed",
        "-             | POST   | /orders       | orders      | alice:dev  | initech | no allow policy matched",
        "-             | POST   | /orders       | orders      | -          | acme   | no allow policy matched",
        "-             | GET    | /admin        | orders      | -          | -      | no allow policy matched",
        "-             | GET    | /admin/x      | orders      | -          | -      | denied by no-admin-from-outside-ops",
    })
    void aTableOfCallers(String caller, String method, String path, String host, String token, String tenant,
                         String expected) {
        String principal = caller.equals("-") ? null : "example.org/ns/" + caller.replace("/", "/sa/");
        String namespace = caller.equals("-") ? null : caller.substring(0, caller.indexOf('/'));
        VerifiedToken verified = token.equals("-") ? null : new VerifiedToken(Map.of("iss", "https://auth.example.org",
                "sub", token.split(":")[0], "realm", Map.of("roles", List.of(token.split(":")[1]))), false);
        RequestFacts request = new RequestFacts(method, path, host,
                name -> name.equals("x-tenant") && !tenant.equals("-") ? tenant : null, principal, namespace, verified);
        String refusal = AUTHORIZER.refusal(request);
        assertEquals(expected, refusal == null ? "allowed" : refusal);
    }

    @Test
    void withoutAllowPoliciesWhatIsNotDeniedIsAllowedAndAPolicyWithoutRulesMatchesNothing() {
        Authorizer denyOnly = Authorizer.of(authorization(POLICY.substring(0, POLICY.indexOf("    - name: frontend-reads"))));
        RequestFacts anonymous = new RequestFacts("GET", "/orders", "orders", name -> null, null, null, null);
        assertEquals(null, denyOnly.refusal(anonymous));
        Authorizer allowNothing = Authorizer.of(authorization(POLICY.substring(0, POLICY.indexOf("  authorization:"))
                + "  authorization: [ { name: empty } ]\n"));
        assertEquals("no allow policy matched", allowNothing.refusal(anonymous));
        Authorizer allowAll = Authorizer.of(authorization(POLICY.substring(0, POLICY.indexOf("  authorization:"))
                + "  authorization: [ { name: all, rules: [ {} ] } ]\n"));
        assertEquals(null, allowAll.refusal(anonymous));
    }
}

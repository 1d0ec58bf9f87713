package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code identity:}, a service's {@code tls:} and {@code inbound: {mtls, allow}}. */
class SecurityPolicyTest {

    private static final String[] IDENTITY = {
        "identity:",
        "  trustDomain: example.org",
        "  certificate: /run/jmesh/cert.pem",
        "  key: /run/jmesh/key.pem",
        "  trustBundle: /run/jmesh/bundle.pem"};

    private static String withIdentity(String... rest) {
        String[] all = new String[IDENTITY.length + rest.length + 1];
        all[0] = "workload: shop";
        System.arraycopy(IDENTITY, 0, all, 1, IDENTITY.length);
        System.arraycopy(rest, 0, all, IDENTITY.length + 1, rest.length);
        return lines(all);
    }

    @Test
    void aFullTwoWaySecurityPolicy() {
        MeshConfig config = valid(withIdentity(
                "inbound:",
                "  port: 8080",
                "  mtls: strict",
                "  allow: [ \"spiffe://example.org/ns/default/sa/frontend\" ]",
                "services:",
                "  orders:",
                "    endpoints: [ 10.0.1.5:8080 ]",
                "    tls: { mode: mutual, serverIdentity: \"spiffe://example.org/ns/default/sa/orders\" }",
                "  plain:",
                "    endpoints: [ 10.0.1.6:8080 ]",
                "    tls: { mode: disable }"));
        assertEquals(IdentityConfig.files("example.org", "default", Path.of("/run/jmesh/cert.pem"),
                Path.of("/run/jmesh/key.pem"), Path.of("/run/jmesh/bundle.pem")), config.identity());
        assertEquals(new InboundConfig(8080, InboundConfig.Mtls.STRICT, Protocol.TCP,
                List.of("spiffe://example.org/ns/default/sa/frontend"), List.of(), List.of()), config.inbound());
        assertEquals(TlsPolicy.mutual("spiffe://example.org/ns/default/sa/orders"), config.services().get("orders").tls());
        assertNull(config.services().get("plain").tls());
        assertEquals(config, valid(PolicyYaml.render(config)), "the effective policy round-trips");
    }

    @Test
    void mutualTlsAndAnMtlsPortNeedAnIdentityEachSaidWhereItIsAsked() {
        var result = parse(lines(
                "workload: shop",
                "inbound: { port: 8080, mtls: permissive }",
                "services:",
                "  orders:",
                "    endpoints: [ 10.0.1.5:8080 ]",
                "    tls: { mode: mutual, serverIdentity: \"spiffe://example.org/ns/default/sa/orders\" }"));
        assertPositions(result.errors(), "2:24", "6:5");
        assertEquals("'tls' needs this workload's identity: add an identity: section (trustDomain, and certificate, key,"
                + " trustBundle or a control plane that issues it)", result.errors().get(1).message());
    }

    @Test
    void tlsMistakes() {
        singleError(withIdentity("services:", "  o:", "    endpoints: [ 10.0.1.5:80 ]", "    tls: { mode: mutual }"),
                10, 5, "tls mode mutual needs serverIdentity");
        singleError(withIdentity("services:", "  o:", "    endpoints: [ 10.0.1.5:80 ]", "    tls: { mode: tls13 }"),
                10, 18, "unknown tls mode 'tls13' (expected mutual, simple or disable)");
        singleError(withIdentity("services:", "  o:", "    endpoints: [ 10.0.1.5:80 ]",
                "    tls: { mode: mutual, serverIdentity: \"https://orders\" }"), 10, 42, "not a SPIFFE ID (must start with spiffe://): https://orders");
        singleError(withIdentity("services:", "  o:", "    endpoints: [ 10.0.1.5:80 ]",
                "    tls: { mode: disable, serverIdentity: \"spiffe://example.org/x\" }"), 10, 27,
                "serverIdentity is only used with tls mode mutual");
    }

    @Test
    void simpleTlsNeedsNoIdentityAndRoundTrips() {
        MeshConfig config = valid(lines(
                "workload: shop",
                "services:",
                "  payments:",
                "    endpoints: [ 203.0.113.7:443 ]",
                "    tls: { mode: simple, sni: api.payments.example, caCertificates: /etc/ssl/payments-ca.pem }",
                "  search:",
                "    endpoints: [ search.example.com:443 ]",
                "    tls: { mode: simple }"));
        assertEquals(TlsPolicy.simple("api.payments.example", Path.of("/etc/ssl/payments-ca.pem")),
                config.services().get("payments").tls());
        assertEquals(TlsPolicy.simple(null, null), config.services().get("search").tls());
        assertEquals(config, valid(PolicyYaml.render(config)), "the effective policy round-trips");
    }

    @Test
    void simpleTlsMistakes() {
        singleError(lines("workload: shop", "services:", "  o:", "    endpoints: [ 10.0.1.5:443 ]",
                "    tls: { mode: simple, sni: \"not a name\" }"), 5, 31, "sni must be a DNS name such as api.example.com");
        singleError(lines("workload: shop", "services:", "  o:", "    endpoints: [ 10.0.1.5:443 ]",
                "    tls: { mode: simple, serverIdentity: \"spiffe://example.org/x\" }"), 5, 26,
                "serverIdentity is only used with tls mode mutual");
        singleError(withIdentity("services:", "  o:", "    endpoints: [ 10.0.1.5:443 ]",
                "    tls: { mode: mutual, serverIdentity: \"spiffe://example.org/x\", sni: a.example }"), 10, 68,
                "sni is only used with tls mode simple");
        singleError(lines("workload: shop", "services:", "  o:", "    endpoints: [ 10.0.1.5:443 ]",
                "    tls: { mode: disable, caCertificates: /ca.pem }"), 5, 27, "caCertificates is only used with tls mode simple");
    }

    /** An HTTP port joins a connection at its first byte; token rules imply it; it round-trips. */
    @Test
    void anInboundPortSaysWhatItServes() {
        assertEquals(Protocol.TCP, valid(withIdentity("inbound: { port: 8080, mtls: strict }")).inbound().protocol());
        MeshConfig http = valid(withIdentity("inbound: { port: 8080, mtls: strict, protocol: http }"));
        assertEquals(Protocol.HTTP, http.inbound().protocol());
        assertEquals(http, valid(PolicyYaml.render(http)));
        assertEquals(Protocol.HTTP, valid(withIdentity("inbound: { port: 8080, mtls: permissive,",
                "  jwt: [ { issuer: a, jwksFile: /k.json } ] }")).inbound().protocol());
    }

    @Test
    void inboundAndIdentityMistakes() {
        singleError(withIdentity("inbound: { port: 8080, mtls: on }"), 7, 30,
                "unknown mtls mode 'on' (expected disable, permissive or strict)");
        singleError(withIdentity("inbound: { port: 8080, allow: [ \"spiffe://example.org/a\" ] }"), 7, 24,
                "allow is only used with mtls permissive or strict");
        singleError(withIdentity("inbound: { port: 8080, mtls: strict, protocol: udp }"), 7, 48,
                "unknown protocol 'udp' (expected http or tcp)");
        singleError(withIdentity("inbound: { port: 8080, mtls: strict, protocol: tcp,",
                        "  jwt: [ { issuer: a, jwksFile: /k.json } ] }"), 7, 48,
                "protocol tcp cannot carry authorization or jwt rules, which apply per HTTP request");
        singleError(withIdentity("inbound: { port: 8080, mtls: strict, allow: [ \"spiffe://x/a\", \"spiffe://x/a\" ] }"),
                7, 63, "duplicate identity 'spiffe://x/a'");
        singleError(lines("workload: shop", "identity: { trustDomain: Example.ORG, certificate: c, key: k, trustBundle: b }"),
                2, 26, "bad SPIFFE trust domain 'Example.ORG'");
        singleError(lines("identity: { trustDomain: example.org, certificate: c, key: k, trustBundle: b }"), 1, 1,
                "identity needs 'workload'");
        singleError(lines("workload: shop", "identity: { trustDomain: example.org, certificate: c, key: k }"), 2, 1,
                "certificate, key and trustBundle go together; leave all three out for a certificate issued by the"
                        + " control plane");
        singleError(lines("workload: shop", "identity: { trustDomain: example.org }", "control: { servers: [ \"10.0.0.2:15010\" ] }"),
                2, 1, "an identity without certificate, key and trustBundle is issued by the control plane: add control:"
                        + " with servers and tokenFile");
    }

    @Test
    void anIdentityTheControlPlaneIssues() {
        MeshConfig config = valid(lines("workload: shop", "identity: { trustDomain: example.org, namespace: shop }",
                "control: { servers: [ \"10.0.0.2:15010\" ], tokenFile: /run/jmesh/token }"));
        assertEquals(IdentityConfig.issued("example.org", "shop"), config.identity());
        assertEquals(config, valid(PolicyYaml.render(config)), "the effective policy round-trips");

        MeshConfig kept = valid(lines("workload: shop",
                "identity: { trustDomain: example.org, issuedFiles: /var/run/jmesh/identity }",
                "control: { servers: [ \"10.0.0.2:15010\" ], tokenFile: /run/jmesh/token }"));
        assertEquals(Path.of("/var/run/jmesh/identity"), kept.identity().issuedFiles());
        assertEquals(kept, valid(PolicyYaml.render(kept)), "the effective policy round-trips");
        singleError(withIdentity("  issuedFiles: /var/run/jmesh/identity"), 7, 3,
                "issuedFiles is only used with a certificate issued by the control plane (no certificate, key and trustBundle)");
    }
}

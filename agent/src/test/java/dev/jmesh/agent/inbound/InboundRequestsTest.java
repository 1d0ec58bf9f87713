package dev.jmesh.agent.inbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jmesh.agent.authz.Authorizer;
import dev.jmesh.agent.jwt.SigningKey;
import dev.jmesh.agent.jwt.TokenValidator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboundRequestsTest {

    private static final String XFCC = "By=spiffe://t/ns/d/sa/orders;Hash=ab12;URI=spiffe://t/ns/d/sa/shop";

    private static String copy(String request, String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InboundRequests(new ByteArrayInputStream(request.getBytes(StandardCharsets.ISO_8859_1)), out, gate(value)).copy();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** A gate without authorization or token rules: only the caller header. */
    static RequestGate gate(String clientCert) {
        return new RequestGate(clientCert, Authorizer.NONE, TokenValidator.of(List.of(), null, () -> 0), null);
    }

    @Test
    void everyRequestOnAKeepAliveConnectionNamesTheCaller() throws IOException {
        String in = "GET /a HTTP/1.1\r\nHost: orders\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: orders\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /c HTTP/1.1\r\nHost: orders\r\n\r\n";
        assertEquals("GET /a HTTP/1.1\r\nHost: orders\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: orders\r\nContent-Length: 5\r\nx-forwarded-client-cert: " + XFCC
                + "\r\n\r\nhello"
                + "GET /c HTTP/1.1\r\nHost: orders\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n", copy(in, XFCC));
    }

    @Test
    void aCallerCannotSayWhoItIsItself() throws IOException {
        String in = "GET / HTTP/1.1\r\nX-Forwarded-Client-Cert: URI=spiffe://t/ns/d/sa/admin\r\nHost: o\r\n\r\n";
        assertEquals("GET / HTTP/1.1\r\nHost: o\r\nx-forwarded-client-cert: " + XFCC + "\r\n\r\n", copy(in, XFCC));
        assertEquals("GET / HTTP/1.1\r\nHost: o\r\n\r\n", copy(in, null), "a plaintext caller gets no header at all");
    }

    @Test
    void chunkedBodiesAndTheirTrailersAreFollowedToTheNextRequest() throws IOException {
        String body = "4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nChecksum: x\r\n\r\n";
        String in = "POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body + "GET /next HTTP/1.1\r\n\r\n";
        assertEquals("POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\nx-forwarded-client-cert: v\r\n\r\n" + body
                + "GET /next HTTP/1.1\r\nx-forwarded-client-cert: v\r\n\r\n", copy(in, "v"));
    }

    @Test
    void otherProtocolsAreCopiedAsTheyAre() throws IOException {
        byte[] postgresStartup = {0, 0, 0, 8, 4, (byte) 210, 22, 47, 0, 0, 0, 9, 1, 2, 3};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InboundRequests(new ByteArrayInputStream(postgresStartup), out, gate(XFCC)).copy();
        assertArrayEquals(postgresStartup, out.toByteArray());

        String websocket = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello"
                + "GET /not-a-request HTTP/1.1\r\n\r\n";
        assertEquals("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-forwarded-client-cert: v\r\n\r\n"
                + "\u0081\u0005helloGET /not-a-request HTTP/1.1\r\n\r\n", copy(websocket, "v"));
    }
    // ---- with authorization and token rules --------------------------------------------------

    private static final String SHOP = "spiffe://t/ns/d/sa/shop";

    /** Deny /admin/* to all but ops; tokens of one issuer, whose key set is {@code jwks}. */
    private static RequestGate layer7(Path jwks) {
        var config = dev.jmesh.policy.ConfigParser.parse("""
                workload: orders
                identity: { trustDomain: t, certificate: /c, key: /k, trustBundle: /b }
                inbound:
                  port: 8080
                  mtls: strict
                  jwt: [ { issuer: iss, jwksFile: "%s" } ]
                  authorization:
                    - { name: no-admin, action: DENY, rules: [ { to: [ { operation: { paths: [ /admin/* ] } } ] } ] }
                """.formatted(jwks), "mesh.yaml").config().inbound();
        return new RequestGate("v", Authorizer.of(config.authorization()),
                TokenValidator.of(config.jwt(), new dev.jmesh.agent.time.FakeClock(), () -> System.currentTimeMillis() / 1000),
                SHOP);
    }

    private static InboundRequests.Answered copy(String request, RequestGate gate, ByteArrayOutputStream out)
            throws IOException {
        return new InboundRequests(new ByteArrayInputStream(request.getBytes(StandardCharsets.ISO_8859_1)), out, gate).copy();
    }

    @Test
    void aRefusedRequestIsAnsweredByThePortAfterTheRequestsBeforeItAndItsBodyIsNotPassedOn(@TempDir Path dir)
            throws Exception {
        RequestGate gate = layer7(Files.writeString(dir.resolve("jwks.json"), SigningKey.generate("ES256", null).jwks()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InboundRequests.Answered answered = copy("GET /public/../orders HTTP/1.1\r\nHost: o\r\n\r\n"
                + "POST /admin/keys HTTP/1.1\r\nContent-Length: 6\r\n\r\nsecret"
                + "GET /after HTTP/1.1\r\n\r\n", gate, out);
        assertEquals("GET /orders HTTP/1.1\r\nHost: o\r\nx-forwarded-client-cert: v\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1), "the path as normalized; nothing of the refused request");
        assertEquals(403, answered.reply().status());
        assertEquals("denied by no-admin", answered.reply().why());
        String reply = new String(answered.reply().bytes(), StandardCharsets.ISO_8859_1);
        assertEquals("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 19\r\n"
                + "connection: close\r\n\r\nRBAC: access denied", reply);
    }

    @Test
    void aVerifiedTokenIsTakenOffAndABadOneAnswered401(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate("RS256", "k1");
        RequestGate gate = layer7(Files.writeString(dir.resolve("jwks.json"), key.jwks()));
        String token = key.sign(dev.jmesh.agent.jwt.TokenClaims.of("iss", "alice", null,
                System.currentTimeMillis() / 1000 + 600, null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(copy("GET /me HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\n\r\n", gate, out));
        assertEquals("GET /me HTTP/1.1\r\nx-forwarded-client-cert: v\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));

        InboundRequests.Answered answered = copy("GET /me HTTP/1.1\r\nHost: orders\r\nAuthorization: Bearer "
                + token.substring(0, token.length() - 4) + "AAAA\r\n\r\n", gate, new ByteArrayOutputStream());
        assertEquals(401, answered.reply().status());
        assertEquals("Jwt verification fails", answered.reply().body());
        assertEquals("Bearer realm=\"http://orders/me\", error=\"invalid_token\"", answered.reply().wwwAuthenticate());
    }

    @Test
    void withRulesInForceOnlyPlainHttp1Passes(@TempDir Path dir) throws Exception {
        RequestGate gate = layer7(Files.writeString(dir.resolve("jwks.json"), SigningKey.generate("ES256", null).jwks()));
        for (String notHttp1 : List.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\u0000\u0000\u0000\u0008\u0004\u00d2\u0016/",
                "POST /a HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost : o\r\n\r\n")) {
            assertThrows(InboundRequests.NotHttp.class, () -> copy(notHttp1, gate, new ByteArrayOutputStream()), notHttp1);
        }
        assertEquals(400, copy("GET /a%2Fb HTTP/1.1\r\n\r\n", gate, new ByteArrayOutputStream()).reply().status());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy("GET /a HTTP/1.1\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
                + "GET /admin/x HTTP/1.1\r\n\r\n", gate, out);
        assertEquals("GET /a HTTP/1.1\r\nx-forwarded-client-cert: v\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1),
                "no upgrade to h2c, so the next request is still seen (and refused)");
    }
}

package dev.jmesh.agent.identity;

import static dev.jmesh.agent.identity.TestPki.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.identity.tls.TlsProvider;
import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real handshakes over loopback, server and client built by MeshTls, with the JDK's TLS and Conscrypt. */
class MutualTlsTest {

    private final CertificateAuthority ca = TestPki.ca();
    private final WorkloadIdentity orders = TestPki.identity(ca, "orders");
    private final WorkloadIdentity frontend = TestPki.identity(ca, "frontend");

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void theRightIdentitiesConnectAndSeeEachOther(String providerName) throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        try (LoopbackTlsServer server = server(provider, Set.of(id("frontend")))) {
            LoopbackTlsServer.Reply reply = server.call(client(provider, frontend, id("orders")));
            assertEquals(Optional.of(id("orders")), reply.server());
            assertEquals("TLSv1.3", reply.protocol());
            assertEquals(Optional.of(id("frontend")), server.nextSeen().client());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void tls12WorksToo(String providerName) throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        try (LoopbackTlsServer server = server(provider, Set.of(id("frontend")))) {
            LoopbackTlsServer.Reply reply = server.call(client(provider, frontend, id("orders")), "TLSv1.2");
            assertEquals("TLSv1.2", reply.protocol());
            assertEquals(Optional.of(id("orders")), reply.server());
            assertEquals(Optional.of(id("frontend")), server.nextSeen().client());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void anEmptyAllowListAdmitsAnyWorkloadOfTheTrustDomain(String providerName) throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        try (LoopbackTlsServer server = server(provider, Set.of())) {
            server.call(client(provider, TestPki.identity(ca, "anyone"), id("orders")));
            assertEquals(Optional.of(id("anyone")), server.nextSeen().client());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void aClientNotInTheAllowListIsRefused(String providerName) throws Exception {
        assertFrontendPortRefuses(providerName, TestPki.identity(ca, "intruder"),
                "client spiffe://example.org/ns/default/sa/intruder is not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void anExpiredClientCertificateIsRefused(String providerName) throws Exception {
        assertFrontendPortRefuses(providerName, TestPki.expiredIdentity(ca, "frontend"),
                "certificate of spiffe://example.org/ns/default/sa/frontend expired at");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void anExpiredServerCertificateIsRefusedByTheClient(String providerName) throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        MeshTls expiredOrders = TestPki.tls(TestPki.expiredIdentity(ca, "orders"), provider);
        try (LoopbackTlsServer server = new LoopbackTlsServer(expiredOrders.serverContext(Set.of()))) {
            IOException refused = assertThrows(IOException.class,
                    () -> server.call(client(provider, frontend, id("orders"))));
            assertCauseMentions(refused, "server certificate of spiffe://example.org/ns/default/sa/orders expired at");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void aClientSignedByAnotherCaIsRefused(String providerName) throws Exception {
        WorkloadIdentity impostor = TestPki.identity(TestPki.ca(), ca, "frontend"); // same ID, other CA
        assertFrontendPortRefuses(providerName, impostor, "is not trusted: it does not chain to the trust bundle");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void aServerWithAnotherIdentityThanExpectedIsRefused(String providerName) throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        try (LoopbackTlsServer server = server(provider, Set.of())) {
            IOException refused = assertThrows(IOException.class,
                    () -> server.call(client(provider, frontend, id("payments"))));
            assertCauseMentions(refused, "server identity spiffe://example.org/ns/default/sa/orders is not the expected "
                    + "spiffe://example.org/ns/default/sa/payments");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "Conscrypt"})
    void contextsSpeakOnlyTls13And12AndServersDemandClientCertificates(String providerName) throws Exception {
        MeshTls tls = TestPki.tls(orders, TestPki.provider(providerName));
        SSLContext serverContext = tls.serverContext(Set.of());
        SSLEngine engine = serverContext.createSSLEngine();
        engine.setUseClientMode(false);
        assertTrue(engine.getNeedClientAuth());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getEnabledProtocols());
        assertTrue(serverContext.getDefaultSSLParameters().getNeedClientAuth());
        try (LoopbackTlsServer server = new LoopbackTlsServer(serverContext)) {
            assertTrue(server.socket().getNeedClientAuth());
            assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, server.socket().getEnabledProtocols());
        }
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"},
                tls.clientContext(id("x")).getDefaultSSLParameters().getProtocols());
    }

    private LoopbackTlsServer server(TlsProvider provider, Set<SpiffeId> allow) throws Exception {
        return new LoopbackTlsServer(TestPki.tls(orders, provider).serverContext(allow));
    }

    private static SSLContext client(TlsProvider provider, WorkloadIdentity identity, SpiffeId serverIdentity)
            throws Exception {
        return TestPki.tls(identity, provider).clientContext(serverIdentity);
    }

    /** A server that allows only frontend refuses {@code caller} and says {@code reason}. */
    private void assertFrontendPortRefuses(String providerName, WorkloadIdentity caller, String reason)
            throws Exception {
        TlsProvider provider = TestPki.provider(providerName);
        try (LoopbackTlsServer server = server(provider, Set.of(id("frontend")))) {
            assertThrows(IOException.class, () -> server.call(client(provider, caller, id("orders"))));
            LoopbackTlsServer.Seen seen = server.nextSeen();
            assertNotNull(seen.error(), "the server accepted the client");
            assertCauseMentions(seen.error(), reason);
        }
    }

    static void assertCauseMentions(Throwable error, String text) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains(text)) {
                return;
            }
        }
        throw new AssertionError("no cause says '" + text + "'", error);
    }
}

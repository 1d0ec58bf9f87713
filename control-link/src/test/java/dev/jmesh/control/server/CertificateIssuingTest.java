package dev.jmesh.control.server;

import static dev.jmesh.control.server.LinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.control.ca.MeshCa;
import dev.jmesh.control.client.ControlLinkClient;
import dev.jmesh.control.client.LinkOptions;
import dev.jmesh.control.registry.InMemoryRegistry;
import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.CertificateBuilder;
import dev.jmesh.pki.CertificateRequest;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica as the mesh's CA: requests over real links, signed only for the identity a token entitles to. */
class CertificateIssuingTest {

    private static final SpiffeId FRONTEND = SpiffeId.workload("example.org", "shop", "frontend");
    private static final SpiffeId ORDERS = SpiffeId.workload("example.org", "shop", "orders");

    @TempDir
    Path dir;
    final List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
    final List<AutoCloseable> toClose = new ArrayList<>();
    CertificateAuthority ca;
    ControlPlane plane;

    /** Sends one request for {@code asked} once welcomed, and keeps what it is answered. */
    static final class Requester implements ControlLinkClient.Listener {
        final SpiffeId asked;
        final List<String> answers = Collections.synchronizedList(new ArrayList<>());
        volatile boolean sent;

        Requester(SpiffeId asked) {
            this.asked = asked;
        }

        @Override
        public String apply(String version, String yaml) {
            return null;
        }

        @Override
        public String certificateRequest() {
            if (sent) {
                return null;
            }
            sent = true;
            return CertificateRequest.create(CertificateBuilder.newKeyPair(), asked);
        }

        @Override
        public void certificates(boolean ok, int chain, String text) {
            answers.add(ok + " " + chain + " " + text);
        }
    }

    @BeforeEach
    void caAndReplica() throws Exception {
        Path caDir = dir.resolve("ca");
        ca = CertificateAuthority.create("example.org", Duration.ofDays(1));
        ca.save(caDir);
        Path tokens = dir.resolve("tokens");
        Files.createDirectories(tokens.resolve("shop"));
        Files.writeString(tokens.resolve("shop").resolve("frontend"), "frontend-token\n");
        Files.createDirectories(dir.resolve("config"));
        MeshCa meshCa = MeshCa.open(caDir, tokens, Duration.ofMinutes(10), serverLog::add);
        plane = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), dir.resolve("config"), new InMemoryRegistry(),
                new ControlPlane.Options("shared-token", Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofSeconds(5), null, Duration.ofSeconds(10), meshCa), serverLog::add);
        toClose.add(plane);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Requester link(String token, SpiffeId asked) {
        Requester requester = new Requester(asked);
        LinkOptions options = LinkOptions.defaults(List.of("127.0.0.1:" + plane.port()), asked.path().substring(
                asked.path().lastIndexOf('/') + 1), () -> token, 0, line -> { }).withTls(this::trustingTheCa);
        toClose.add(new ControlLinkClient(options, requester, "").start());
        return requester;
    }

    /** TLS that trusts the CA; the agent's own also checks the replica's SPIFFE ID. */
    private SSLSocketFactory trustingTheCa() {
        try {
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(null, null);
            roots.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(roots);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theLinkIsTlsAndAPlaintextAgentIsNotServed() throws Exception {
        List<String> agentLog = Collections.synchronizedList(new ArrayList<>());
        Requester plaintext = new Requester(FRONTEND);
        toClose.add(new ControlLinkClient(LinkOptions.defaults(List.of("127.0.0.1:" + plane.port()), "frontend",
                () -> "frontend-token", 0, agentLog::add), plaintext, "").start());
        Requester tls = link("frontend-token", FRONTEND);
        await(() -> !tls.answers.isEmpty(), "the TLS agent is answered");
        await(() -> agentLog.stream().anyMatch(l -> l.contains("no server answers")), "the plaintext agent is not");
        assertEquals(List.of(), plaintext.answers);
        // Refused before anything is bound: the documentation address is never listened on.
        IllegalArgumentException offLoopback = assertThrows(IllegalArgumentException.class,
                () -> ControlPlane.start(new InetSocketAddress("192.0.2.1", 0), dir.resolve("config"),
                        new InMemoryRegistry(), ControlPlane.Options.defaults(), serverLog::add));
        assertTrue(offLoopback.getMessage().startsWith("a plaintext link listens on loopback only"),
                offLoopback.getMessage());
    }

    private static List<X509Certificate> certificates(String answer) throws Exception {
        return Pem.parseCertificates("answer", answer.substring(answer.indexOf("-----")).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aWorkloadsTokenLetsItInAndGetsItsOwnCertificate() throws Exception {
        Requester frontend = link("frontend-token", FRONTEND);
        await(() -> !frontend.answers.isEmpty(), "an answer");
        String answer = frontend.answers.get(0);
        assertTrue(answer.startsWith("true 2 "), answer);
        List<X509Certificate> certificates = certificates(answer);
        assertEquals(3, certificates.size(), "leaf, CA, and the bundle");
        certificates.get(0).verify(ca.certificate().getPublicKey());
        assertEquals(List.of(FRONTEND.toString()), SpiffeId.uriSans(certificates.get(0)));
        assertTrue(serverLog.stream().anyMatch(l -> l.startsWith("issued " + FRONTEND)), serverLog.toString());
    }

    @Test
    void aRequestForAnotherIdentityIsRefusedAndLogged() throws Exception {
        Requester impostor = link("frontend-token", ORDERS);
        await(() -> !impostor.answers.isEmpty(), "an answer");
        assertEquals("false 0 the token is for " + FRONTEND + ", not " + ORDERS, impostor.answers.get(0));
        assertTrue(serverLog.stream().anyMatch(l -> l.contains("refused: it asks for " + ORDERS + ", its token is for "
                + FRONTEND)), serverLog.toString());

        Requester shared = link("shared-token", FRONTEND);
        await(() -> !shared.answers.isEmpty(), "an answer");
        assertEquals("false 0 this link's token entitles to no identity", shared.answers.get(0),
                "the shared link token lets an agent in, but is no workload's");
    }

    @Test
    void newRootsReachEveryCertifiedAgentBeforeTheySignAnything() throws Exception {
        Requester frontend = link("frontend-token", FRONTEND);
        await(() -> !frontend.answers.isEmpty(), "an answer");
        CertificateAuthority next = CertificateAuthority.create("example.org", Duration.ofDays(1));
        Files.writeString(dir.resolve("ca").resolve(MeshCa.ROOTS_FILE), Pem.encodeCertificates(List.of(next.certificate())));
        await(() -> frontend.answers.size() == 2, "the new bundle pushed");
        String bundle = frontend.answers.get(1);
        assertTrue(bundle.startsWith("true 0 "), bundle);
        assertEquals(List.of(ca.certificate(), next.certificate()), certificates(bundle));
        assertFalse(serverLog.stream().anyMatch(l -> l.contains("refused, the CA stays")), serverLog.toString());
    }
}

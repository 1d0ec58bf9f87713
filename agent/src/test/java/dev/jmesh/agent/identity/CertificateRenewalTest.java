package dev.jmesh.agent.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.CertificateRequest;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of issued certificates, on a wall clock the test moves; the CA signs as the control plane does. */
class CertificateRenewalTest {

    private static final SpiffeId FRONTEND = TestPki.id("frontend");
    /** Short: the certificates are checked against the real clock too, which the test does not move. */
    private static final Duration LIFETIME = Duration.ofSeconds(20);

    private final CertificateAuthority ca = TestPki.ca();
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private final WorkloadIdentity identity = WorkloadIdentity.pending();
    private final CertificateRenewal renewal = new CertificateRenewal(identity, FRONTEND, now::get, null);

    @TempDir
    Path kept;

    /** What the control plane answers a request with: the leaf, the CA, then the bundle. */
    private String sign(String csr, CertificateAuthority bundleRoot) throws Exception {
        CertificateRequest request = CertificateRequest.parse(csr);
        Instant at = Instant.ofEpochMilli(now.get());
        X509Certificate leaf = ca.sign(request.identity(), request.publicKey(), at.minusSeconds(300), at.plus(LIFETIME));
        return Pem.encodeCertificates(List.of(leaf, ca.certificate(), bundleRoot.certificate()));
    }

    @Test
    void theFirstCertificateIsAskedForAtOnceAndRenewedWithANewKeyAtHalfItsLife() throws Exception {
        assertNull(identity.current(), "nothing to present before the first certificate");
        String first = renewal.request();
        assertNotNull(first);
        assertNull(renewal.request(), "one request in flight at a time");
        renewal.answer(true, 2, sign(first, ca));
        IdentityMaterial issued = identity.current();
        assertEquals(FRONTEND, issued.spiffeId());
        long delay = renewal.renewAtMillis() - now.get();
        // X.509 times are whole seconds: the life left is the certificate's, not LIFETIME exactly
        long life = issued.certificate().getNotAfter().getTime() - now.get();
        assertTrue(delay >= life * 45 / 100 && delay <= life * 55 / 100,
                "renewed at half-life, with jitter: " + Duration.ofMillis(delay) + " of " + Duration.ofMillis(life));

        now.addAndGet(delay - 1);
        assertNull(renewal.request(), "not due yet");
        now.addAndGet(1);
        String second = renewal.request();
        assertNotNull(second);
        assertNotEquals(CertificateRequest.parse(first).publicKey(), CertificateRequest.parse(second).publicKey(),
                "a new key for each certificate");
        assertEquals(issued, identity.current(), "the certificate in use stays until the new one is in");
        renewal.answer(true, 2, sign(second, ca));
        assertNotEquals(issued.certificate(), identity.current().certificate());
    }

    @Test
    void aRefusedOrLostRequestIsAskedAgainAndANewBundleAloneIsTaken() throws Exception {
        renewal.request();
        renewal.answer(false, 0, "the token is for spiffe://example.org/ns/default/sa/frontend, not ...");
        assertNull(renewal.request(), "not again at once");
        now.addAndGet(CertificateRenewal.RETRY_MILLIS);
        String request = renewal.request();
        assertNotNull(request);
        renewal.linkLost();
        String again = renewal.request();
        assertNotNull(again, "a request lost with its link is made again on the next one");
        renewal.answer(true, 2, sign(request, ca));
        assertNull(identity.current(), "an answer for the lost request's key is not taken");
        renewal.answer(true, 2, sign(again, ca));
        assertEquals(1, identity.current().trustBundle().size());

        CertificateAuthority next = TestPki.ca();
        renewal.answer(true, 0, Pem.encodeCertificates(List.of(ca.certificate(), next.certificate())));
        assertEquals(List.of(ca.certificate(), next.certificate()), identity.current().trustBundle(),
                "the next CA's root is trusted before it signs anything");
        renewal.answer(true, 0, Pem.encodeCertificates(List.of(next.certificate())));
        assertEquals(2, identity.current().trustBundle().size(),
                "a bundle the certificate in use does not chain to is refused");
    }

    /** {@code identity.issuedFiles}: an agent restarted with the files presents the kept certificate at once. */
    @Test
    void aKeptIdentityIsOwnerOnlyOnDiskAndARestartedAgentStartsFromIt() throws Exception {
        Path directory = kept.resolve("identity");
        CertificateRenewal first = new CertificateRenewal(identity, FRONTEND, now::get, new KeptIdentity(directory));
        first.answer(true, 2, sign(first.request(), ca));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(directory.resolve("key.pem")));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(directory));

        WorkloadIdentity restarted = WorkloadIdentity.pending();
        CertificateRenewal again = new CertificateRenewal(restarted, FRONTEND, now::get, new KeptIdentity(directory));
        assertEquals(identity.current().certificate(), restarted.current().certificate(), "presented before any link");
        assertNull(again.request(), "not due: renewed at half its life, as before the restart");
        assertEquals(first.renewAtMillis(), again.renewAtMillis(), LIFETIME.toMillis() / 10, "within the jitter");

        // Someone else's identity, or a key others can read, is not used: a new key is asked for.
        WorkloadIdentity billing = WorkloadIdentity.pending();
        assertNotNull(new CertificateRenewal(billing, TestPki.id("billing"), now::get, new KeptIdentity(directory)).request());
        assertNull(billing.current());
        Files.setPosixFilePermissions(directory.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        WorkloadIdentity exposed = WorkloadIdentity.pending();
        new CertificateRenewal(exposed, FRONTEND, now::get, new KeptIdentity(directory));
        assertNull(exposed.current());
    }
}

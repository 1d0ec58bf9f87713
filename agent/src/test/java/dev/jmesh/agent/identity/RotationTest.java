package dev.jmesh.agent.identity;

import dev.jmesh.pki.Pem;
import dev.jmesh.pki.IdentityFiles;
import static dev.jmesh.agent.identity.TestPki.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IssuedIdentity;
import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.identity.tls.TlsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate files replaced under a running server: new handshakes take the new certificate, none fails. */
class RotationTest {

    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final CertificateAuthority ca = TestPki.ca();
    private final WorkloadIdentity frontendIdentity = TestPki.identity(ca, "frontend");
    /** Resumes its sessions, as a pooled HTTP client would. */
    private final SSLContext frontend = freshClient();

    @Test
    void handshakesDuringARotationAllSucceedAndThenPresentTheNewCertificate() throws Exception {
        IdentityFiles files = issue().writeTo(dir);
        try (WorkloadIdentity orders = WorkloadIdentity.watch(files, POLL);
                LoopbackTlsServer server = new LoopbackTlsServer(
                        new MeshTls(orders, TlsProvider.jdk()).serverContext(Set.of(id("frontend"))))) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger calls = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread loop = new Thread(() -> {
                while (running.get() && failure.get() == null) {
                    try {
                        // Full handshakes and resumptions, alternately.
                        server.call(calls.get() % 2 == 0 ? freshClient() : frontend);
                        calls.incrementAndGet();
                    } catch (Exception e) {
                        failure.set(e);
                    }
                }
            });
            loop.start();
            waitFor(() -> calls.get() >= 20);

            IssuedIdentity next = issue();
            next.writeTo(dir);
            waitFor(() -> orders.current().certificate().equals(next.certificate()));
            int atRotation = calls.get();
            waitFor(() -> calls.get() >= atRotation + 20);
            running.set(false);
            loop.join(10_000);

            if (failure.get() != null) {
                throw new AssertionError("a handshake failed during the rotation", failure.get());
            }
            // A full handshake now gets the new certificate (resumed sessions keep theirs, see MeshTls).
            assertEquals(next.certificate(), server.call(freshClient()).serverCertificate());
        }
    }

    @Test
    void aHalfWrittenKeyNeverReplacesGoodMaterial() throws Exception {
        IssuedIdentity first = issue();
        IdentityFiles files = first.writeTo(dir);
        try (WorkloadIdentity orders = WorkloadIdentity.watch(files, Duration.ofHours(1));
                LoopbackTlsServer server = new LoopbackTlsServer(
                        new MeshTls(orders, TlsProvider.jdk()).serverContext(Set.of()))) {
            IssuedIdentity next = issue();
            String key = Files.readString(next.writeTo(dir.resolve("next")).key());
            Files.copy(dir.resolve("next/cert.pem"), files.certificate(), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(files.key(), key.substring(0, key.length() / 2)); // the writer is not done yet

            assertFalse(orders.reload());
            assertEquals(first.certificate(), orders.current().certificate());
            assertEquals(first.certificate(), server.call(freshClient()).serverCertificate());

            Files.writeString(files.key(), key); // now it is
            assertTrue(orders.reload());
            assertEquals(next.certificate(), server.call(freshClient()).serverCertificate());
        }
    }

    @Test
    void aMissingOrMismatchedFileKeepsTheLastGoodMaterial() throws Exception {
        IssuedIdentity first = issue();
        IdentityFiles files = first.writeTo(dir);
        try (WorkloadIdentity orders = WorkloadIdentity.watch(files, Duration.ofHours(1))) {
            Files.delete(files.trustBundle());
            assertFalse(orders.reload());
            first.writeTo(dir);
            Files.writeString(files.key(), Pem.encodePrivateKey(issue().key())); // a key of another certificate
            assertFalse(orders.reload());
            assertEquals(first.certificate(), orders.current().certificate());
            assertEquals(id("orders"), orders.spiffeId());
        }
    }

    @Test
    void aRotationToACertificatePeersWouldRefuseIsNotTaken() throws Exception {
        IssuedIdentity first = issue();
        IdentityFiles files = first.writeTo(dir);
        try (WorkloadIdentity orders = WorkloadIdentity.watch(files, Duration.ofHours(1))) {
            Instant now = Instant.now();
            ca.issue(id("orders"), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))).writeTo(dir);
            assertFalse(orders.reload(), "an expired certificate");

            IssuedIdentity otherCa = TestPki.ca().issue("default", "orders", Duration.ofHours(1));
            IdentityFiles elsewhere = otherCa.writeTo(dir.resolve("other"));
            Files.copy(elsewhere.key(), files.key(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(elsewhere.certificate(), files.certificate(), StandardCopyOption.REPLACE_EXISTING);
            first.writeTo(dir.resolve("first"));
            Files.copy(dir.resolve("first/bundle.pem"), files.trustBundle(), StandardCopyOption.REPLACE_EXISTING);
            assertFalse(orders.reload(), "a certificate from a CA outside the bundle");
            assertEquals(first.certificate(), orders.current().certificate());

            otherCa.writeTo(dir); // a new CA with its bundle: a deliberate CA change, taken
            assertTrue(orders.reload());
            assertEquals(otherCa.certificate(), orders.current().certificate());
        }
    }

    private SSLContext freshClient() {
        try {
            return TestPki.tls(frontendIdentity, TlsProvider.jdk()).clientContext(id("orders"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private IssuedIdentity issue() {
        return ca.issue("default", "orders", Duration.ofHours(1));
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(10);
        }
    }
}

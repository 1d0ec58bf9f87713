package dev.jmesh.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates written by CertificateBuilder, read back by the JDK (and openssl, when installed). */
class CertificateBuilderTest {

    private final CertificateAuthority ca = CertificateAuthority.create("example.org", Duration.ofDays(1));
    private final IssuedIdentity orders = ca.issue("default", "orders", Duration.ofHours(1));

    @Test
    void theCaIsAV3SelfSignedAuthorityForItsTrustDomain() throws Exception {
        X509Certificate cert = ca.certificate();
        assertEquals(3, cert.getVersion());
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        cert.verify(cert.getPublicKey());
        assertEquals(0, cert.getBasicConstraints()); // a CA, path length 0
        assertArrayEquals(new boolean[] {false, false, false, false, false, true, true, false, false},
                cert.getKeyUsage());
        assertEquals(Set.of("2.5.29.19", "2.5.29.15"), cert.getCriticalExtensionOIDs());
        assertEquals(List.of("spiffe://example.org"), SpiffeId.uriSans(cert));
        assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    }

    @Test
    void aWorkloadCertificateCarriesItsSpiffeIdAndServesBothTlsRoles() throws Exception {
        X509Certificate cert = orders.certificate();
        assertEquals(3, cert.getVersion());
        cert.verify(ca.certificate().getPublicKey());
        assertEquals(-1, cert.getBasicConstraints()); // not a CA
        assertTrue(cert.getKeyUsage()[0]); // digitalSignature
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertEquals(SpiffeId.parse("spiffe://example.org/ns/default/sa/orders"),
                SpiffeId.fromCertificate(cert).orElseThrow());
        assertEquals(Set.of("2.5.29.19", "2.5.29.15"), cert.getCriticalExtensionOIDs());
        assertEquals(ca.certificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertTrue(cert.getSerialNumber().signum() > 0);
        assertNull(cert.getExtensionValue("2.5.29.31")); // no CRL distribution point
    }

    @Test
    void authorityKeyIdentifierNamesTheIssuersSubjectKeyIdentifier() {
        byte[] caKeyId = DerReader.subjectKeyIdentifier(ca.certificate());
        assertEquals(20, caKeyId.length);
        byte[] authorityKeyId = orders.certificate().getExtensionValue("2.5.29.35");
        // OCTET STRING { SEQUENCE { [0] keyIdentifier } }: the key id is the last 20 bytes.
        assertArrayEquals(caKeyId, Arrays.copyOfRange(authorityKeyId, authorityKeyId.length - 20, authorityKeyId.length));
    }

    @Test
    void theChainPassesPkixValidation() throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(orders.certificate())), parameters);
    }

    @Test
    void opensslReadsTheCertificate(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path file = orders.writeTo(dir).certificate();
        Process process = new ProcessBuilder("/usr/bin/openssl", "x509", "-noout", "-text", "-in", file.toString())
                .redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), text);
        assertTrue(text.contains("URI:spiffe://example.org/ns/default/sa/orders"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text);
        assertTrue(text.contains("ecdsa-with-SHA256"), text);
        verifyWithOpenssl(dir, file);
    }

    private void verifyWithOpenssl(Path dir, Path chain) throws IOException, InterruptedException {
        Path caFile = dir.resolve("bundle.pem");
        Process process = new ProcessBuilder("/usr/bin/openssl", "verify", "-CAfile", caFile.toString(),
                "-purpose", "sslclient", chain.toString()).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), text);
    }
}

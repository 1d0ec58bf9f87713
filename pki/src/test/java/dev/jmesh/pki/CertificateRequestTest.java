package dev.jmesh.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.policy.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateRequestTest {

    private static final SpiffeId FRONTEND = SpiffeId.workload("example.org", "shop", "frontend");

    @Test
    void aRequestNamesItsKeyAndOneIdAndTheCaSignsThatKey() throws Exception {
        KeyPair keys = CertificateBuilder.newKeyPair();
        CertificateRequest request = CertificateRequest.parse(CertificateRequest.create(keys, FRONTEND));
        assertEquals(keys.getPublic(), request.publicKey());
        assertEquals(FRONTEND, request.identity());

        CertificateAuthority ca = CertificateAuthority.create("example.org", Duration.ofDays(1));
        Instant now = Instant.now();
        X509Certificate leaf = ca.sign(request.identity(), request.publicKey(), now, now.plusSeconds(60));
        leaf.verify(ca.certificate().getPublicKey());
        assertEquals(keys.getPublic(), leaf.getPublicKey());
        assertEquals(List.of(FRONTEND.toString()), SpiffeId.uriSans(leaf));
    }

    @Test
    void openSslReadsItAsAValidRequest(@TempDir Path dir) throws Exception {
        Path csr = Files.writeString(dir.resolve("req.pem"),
                CertificateRequest.create(CertificateBuilder.newKeyPair(), FRONTEND));
        Process openssl = new ProcessBuilder("openssl", "req", "-in", csr.toString(), "-verify", "-noout", "-text")
                .redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), out);
        assertTrue(out.contains("URI:" + FRONTEND), out);
    }

    @Test
    void aRequestItsKeyDidNotSignIsRefused() throws Exception {
        String pem = CertificateRequest.create(CertificateBuilder.newKeyPair(), FRONTEND);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        der[der.length - 5] ^= 0x01; // inside the signature
        String tampered = Pem.encodeCertificateRequest(der);
        IdentityException e = assertThrows(IdentityException.class, () -> CertificateRequest.parse(tampered));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        assertThrows(IdentityException.class, () -> CertificateRequest.parse("not pem"));
    }
}

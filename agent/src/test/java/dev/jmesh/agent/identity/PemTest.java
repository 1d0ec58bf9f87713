package dev.jmesh.agent.identity;

import dev.jmesh.pki.CertificateAuthority;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.IssuedIdentity;
import dev.jmesh.pki.Pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("example.org", Duration.ofDays(1));
    private final IssuedIdentity orders = ca.issue("default", "orders", Duration.ofHours(1));

    @Test
    void chainsAndKeysRoundTrip() throws Exception {
        IdentityFiles files = orders.writeTo(dir);
        assertEquals(orders.chain(), Pem.readCertificates(files.certificate()));
        assertEquals(List.of(ca.certificate()), Pem.readCertificates(files.trustBundle()));
        assertEquals(orders.key(), Pem.readPrivateKey(files.key()));
        assertEquals(SpiffeId.workload("example.org", "default", "orders"), IdentityMaterial.read(files).spiffeId());
    }

    @Test
    void rsaKeysAndTextBetweenBlocksAreRead() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PrivateKey key = rsa.generateKeyPair().getPrivate();
        Path file = write("rsa.pem", "a comment openssl may leave\n" + Pem.encodePrivateKey(key));
        assertEquals(key, Pem.readPrivateKey(file));
    }

    @Test
    void aTruncatedFileIsRefusedNamingTheFile() {
        String pem = Pem.encodePrivateKey(orders.key());
        Path file = write("key.pem", pem.substring(0, pem.length() / 2));
        IdentityException e = assertThrows(IdentityException.class, () -> Pem.readPrivateKey(file));
        assertTrue(e.getMessage().startsWith(file + ": PRIVATE KEY block 1 has no END line"), e.getMessage());
    }

    @Test
    void aTraditionalKeyFormatIsRefusedWithTheConversionCommand() {
        Path file = write("key.pem", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        IdentityException e = assertThrows(IdentityException.class, () -> Pem.readPrivateKey(file));
        assertTrue(e.getMessage().contains("'EC PRIVATE KEY' block") && e.getMessage().contains("openssl pkcs8 -topk8"),
                e.getMessage());
    }

    @Test
    void badBase64EmptyFilesAndWrongBlocksAreRefused() {
        Path garbled = write("cert.pem", "-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(IdentityException.class, () -> Pem.readCertificates(garbled))
                .getMessage().contains("is not valid base64"));
        Path empty = write("empty.pem", "");
        assertTrue(assertThrows(IdentityException.class, () -> Pem.readCertificates(empty))
                .getMessage().contains("no CERTIFICATE block"));
        Path keyAsCert = write("k.pem", Pem.encodePrivateKey(orders.key()));
        assertTrue(assertThrows(IdentityException.class, () -> Pem.readCertificates(keyAsCert))
                .getMessage().contains("found a 'PRIVATE KEY' block where CERTIFICATE was expected"));
        Path notDer = write("x.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(IdentityException.class, () -> Pem.readCertificates(notDer))
                .getMessage().contains("certificate 1 does not parse"));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        IssuedIdentity other = ca.issue("default", "other", Duration.ofHours(1));
        IdentityException e = assertThrows(IdentityException.class,
                () -> IdentityMaterial.of(orders.chain(), other.key(), orders.trustBundle()));
        assertTrue(e.getMessage().contains("private key does not belong to the certificate of "
                + SpiffeId.workload("example.org", "default", "orders")), e.getMessage());
    }

    @Test
    void theCaCertificateIsNotAWorkloadIdentity() {
        IdentityException e = assertThrows(IdentityException.class,
                () -> IdentityMaterial.of(List.of(ca.certificate()), orders.key(), orders.trustBundle()));
        assertTrue(e.getMessage().contains("trust domain's own ID"), e.getMessage());
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.jmesh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.identity.IdentityMaterial;
import dev.jmesh.pki.IdentityFiles;
import dev.jmesh.pki.Pem;
import dev.jmesh.policy.SpiffeId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCommandTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void initWritesAnOwnerOnlyCaForTheTrustDomain() throws Exception {
        Path ca = tmp.resolve("ca");
        assertEquals(Main.OK, run("ca", "init", ca.toString(), "--trust-domain", "example.org"));
        assertEquals("rwx------", permissions(ca));
        assertEquals("rw-------", permissions(ca.resolve("ca-key.pem")));
        X509Certificate certificate = Pem.readCertificates(ca.resolve("ca.pem")).get(0);
        assertEquals(List.of("spiffe://example.org"), SpiffeId.uriSans(certificate));
        assertTrue(stdout().contains("wrote " + ca.resolve("ca.pem")), stdout());
        assertTrue(stdout().contains("wrote " + ca.resolve("ca-key.pem")), stdout());
    }

    @Test
    void issueWritesAWorkloadIdentityWhoseSanIsItsSpiffeId() throws Exception {
        Path ca = tmp.resolve("ca");
        Path out = tmp.resolve("orders");
        assertEquals(Main.OK, run("ca", "init", ca.toString(), "--trust-domain", "example.org"));
        assertEquals(Main.OK, run("ca", "issue", ca.toString(), "orders", "--namespace", "shop", "--days", "2",
                "--out", out.toString()));

        IdentityMaterial material = IdentityMaterial.read(IdentityFiles.in(out));
        assertEquals(SpiffeId.parse("spiffe://example.org/ns/shop/sa/orders"), material.spiffeId());
        assertEquals(2, material.chain().size());
        assertEquals(Pem.readCertificates(ca.resolve("ca.pem")), material.trustBundle());
        material.certificate().checkValidity();
        assertEquals("rwx------", permissions(out));
        assertEquals("rw-------", permissions(out.resolve("key.pem")));
        assertTrue(stdout().contains("issued spiffe://example.org/ns/shop/sa/orders"), stdout());
        assertTrue(stdout().contains("wrote " + out.resolve("key.pem")), stdout());
    }

    @Test
    void issueWithoutOutWritesUnderTheCaDirectoryAndDaysZeroIsAlreadyExpired() throws Exception {
        Path ca = tmp.resolve("ca");
        assertEquals(Main.OK, run("ca", "init", ca.toString()));
        assertEquals(Main.OK, run("ca", "issue", ca.toString(), "frontend", "--days", "0"));
        IdentityMaterial material = IdentityMaterial.read(IdentityFiles.in(ca.resolve("default/frontend")));
        assertEquals(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/frontend"), material.spiffeId());
        assertThrows(CertificateExpiredException.class, () -> material.certificate().checkValidity());
        assertTrue(stdout().contains("(already expired)"), stdout());
    }

    @Test
    void mistakesAreClearErrorsWithTheUsualExitCodes() throws Exception {
        Path ca = tmp.resolve("ca");
        assertEquals(Main.FAILED, run("ca", "issue", ca.toString(), "orders"));
        assertTrue(stderr().contains("ca.pem: cannot read"), stderr());

        assertEquals(Main.OK, run("ca", "init", ca.toString()));
        assertEquals(Main.FAILED, run("ca", "init", ca.toString()));
        assertTrue(stderr().contains("already holds a CA"), stderr());

        assertEquals(Main.USAGE, run("ca", "issue", ca.toString(), "bad name!"));
        assertTrue(stderr().contains("bad SPIFFE path segment 'bad name!'"), stderr());
        assertEquals(Main.USAGE, run("ca", "init", tmp.resolve("x").toString(), "--trust-domain", "Example.org"));
        assertEquals(Main.USAGE, run("ca", "issue", ca.toString(), "orders", "--days", "soon"));
        assertEquals(Main.USAGE, run("ca", "issue", ca.toString(), "orders", "--colour", "blue"));
        assertEquals(Main.USAGE, run("ca", "issue", ca.toString()));
        assertEquals(Main.USAGE, run("ca", "sign"));
        assertEquals(Main.USAGE, run("ca"));
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}

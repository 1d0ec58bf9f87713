package dev.jmesh.pki;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a workload's identity lives: its certificate chain (PEM, leaf first), its PKCS#8
 * private key and the trust bundle (PEM CA certificates) — the policy file's {@code identity:}.
 */
public record IdentityFiles(Path certificate, Path key, Path trustBundle) {

    public IdentityFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(trustBundle, "trustBundle");
    }

    /** The layout {@code ca issue} writes: {@code cert.pem}, {@code key.pem}, {@code bundle.pem}. */
    public static IdentityFiles in(Path directory) {
        return new IdentityFiles(directory.resolve("cert.pem"), directory.resolve("key.pem"),
                directory.resolve("bundle.pem"));
    }
}

package dev.jmesh.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A workload certificate just issued: chain (leaf, then CA), its key and the trust bundle. */
public record IssuedIdentity(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trustBundle) {

    public IssuedIdentity {
        chain = List.copyOf(chain);
        trustBundle = List.copyOf(trustBundle);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Writes {@code cert.pem}, {@code key.pem} (0600) and {@code bundle.pem} in a 0700 directory,
     * each replaced in one rename; the key before the certificate, so a rotation is seen whole
     * or as a key/certificate mismatch, which a watching agent refuses until both are there.
     */
    public IdentityFiles writeTo(Path directory) throws IOException {
        IdentityFiles files = IdentityFiles.in(directory);
        SecureFiles.ownerOnlyDirectory(directory);
        SecureFiles.write(files.trustBundle(), Pem.encodeCertificates(trustBundle), false);
        SecureFiles.write(files.key(), Pem.encodePrivateKey(key), true);
        SecureFiles.write(files.certificate(), Pem.encodeCertificates(chain), false);
        return files;
    }
}

package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * This workload's certificate: {@code spiffe://<trustDomain>/ns/<namespace>/sa/<workload>},
 * from PEM files that are re-read when they change, or, without files, issued over the control
 * link for a key the agent makes and keeps in memory (and, if the policy says so, in
 * owner-only files a restarted agent starts from).
 *
 * @param trustDomain the SPIFFE trust domain, e.g. {@code example.org}
 * @param namespace   the namespace part of the SPIFFE ID
 * @param certificate PEM certificate chain, this workload's first; null when issued
 * @param key         PEM PKCS#8 private key; null when issued
 * @param trustBundle PEM CA certificates peers are verified against; null when issued
 * @param issuedFiles where an issued identity is also kept ({@code key.pem} owner-only,
 *                    {@code cert.pem}, {@code bundle.pem}); null: in memory only
 */
public record IdentityConfig(String trustDomain, String namespace, Path certificate, Path key, Path trustBundle,
                             Path issuedFiles) {

    public static final String DEFAULT_NAMESPACE = "default";

    public IdentityConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        if ((certificate == null) != (key == null) || (key == null) != (trustBundle == null)) {
            throw new IllegalArgumentException("certificate, key and trustBundle go together");
        }
        if (certificate != null && issuedFiles != null) {
            throw new IllegalArgumentException("issuedFiles is for an issued identity, not one from files");
        }
    }

    /** From files the operator provides. */
    public static IdentityConfig files(String trustDomain, String namespace, Path certificate, Path key, Path trustBundle) {
        return new IdentityConfig(trustDomain, namespace, certificate, key, trustBundle, null);
    }

    /** Issued by the control plane, kept in memory only. */
    public static IdentityConfig issued(String trustDomain, String namespace) {
        return new IdentityConfig(trustDomain, namespace, null, null, null, null);
    }

    /** Whether the control plane issues the certificate: there are no files. */
    public boolean issuedByControlPlane() {
        return certificate == null;
    }
}

package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * This workload's certificate: {@code spiffe://<trustDomain>/ns/<namespace>/sa/<workload>},
 * from PEM files that are re-read when they change, or, without files, issued over the control
 * link for a key the agent makes and keeps in memory.
 *
 * @param trustDomain the SPIFFE trust domain, e.g. {@code example.org}
 * @param namespace   the namespace part of the SPIFFE ID
 * @param certificate PEM certificate chain, this workload's first; null when issued
 * @param key         PEM PKCS#8 private key; null when issued
 * @param trustBundle PEM CA certificates peers are verified against; null when issued
 */
public record IdentityConfig(String trustDomain, String namespace, Path certificate, Path key, Path trustBundle) {

    public static final String DEFAULT_NAMESPACE = "default";

    public IdentityConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        if ((certificate == null) != (key == null) || (key == null) != (trustBundle == null)) {
            throw new IllegalArgumentException("certificate, key and trustBundle go together");
        }
    }

    /** Issued by the control plane (no files). */
    public static IdentityConfig issued(String trustDomain, String namespace) {
        return new IdentityConfig(trustDomain, namespace, null, null, null);
    }

    /** Whether the control plane issues the certificate: there are no files. */
    public boolean issuedByControlPlane() {
        return certificate == null;
    }
}

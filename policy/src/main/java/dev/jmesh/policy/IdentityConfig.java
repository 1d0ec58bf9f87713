package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * This workload's certificate: {@code spiffe://<trustDomain>/ns/<namespace>/sa/<workload>},
 * from PEM files that are re-read when they change.
 *
 * @param trustDomain the SPIFFE trust domain, e.g. {@code example.org}
 * @param namespace   the namespace part of the SPIFFE ID
 * @param certificate PEM certificate chain, this workload's first
 * @param key         PEM PKCS#8 private key
 * @param trustBundle PEM CA certificates peers are verified against
 */
public record IdentityConfig(String trustDomain, String namespace, Path certificate, Path key, Path trustBundle) {

    public static final String DEFAULT_NAMESPACE = "default";

    public IdentityConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(trustBundle, "trustBundle");
    }
}

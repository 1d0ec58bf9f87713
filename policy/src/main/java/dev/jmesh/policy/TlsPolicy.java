package dev.jmesh.policy;

import java.util.Objects;

/**
 * Mutual TLS the mesh adds to calls to a service: this workload's certificate is presented and
 * the server must prove {@code serverIdentity}.
 *
 * @param serverIdentity the SPIFFE ID the service's endpoints must present
 */
public record TlsPolicy(String serverIdentity) {

    public TlsPolicy {
        Objects.requireNonNull(serverIdentity, "serverIdentity");
    }
}

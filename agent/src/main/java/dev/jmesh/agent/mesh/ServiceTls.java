package dev.jmesh.agent.mesh;

import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.policy.SpiffeId;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Mutual TLS to one service: this workload's certificate, the service's endpoints verified
 * against {@code serverIdentity}. Without an identity (its files could not be loaded) every
 * use fails, naming why: the policy asked for TLS, so there is no plaintext fallback.
 */
final class ServiceTls extends OriginatedTls {

    private final String service;
    private final SpiffeId serverIdentity;
    private final MeshTls tls;
    private final String unavailable;

    /** @param tls the workload's contexts, or {@code null} when its identity is unavailable, for {@code unavailable} */
    ServiceTls(String service, SpiffeId serverIdentity, MeshTls tls, String unavailable) {
        this.service = service;
        this.serverIdentity = serverIdentity;
        this.tls = tls;
        this.unavailable = unavailable;
    }

    @Override
    public SSLContext context() {
        if (tls == null) {
            throw new IllegalStateException(prefix() + "this workload's identity is not available: " + unavailable);
        }
        try {
            return tls.clientContext(serverIdentity);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(prefix() + "no TLS context: " + e.getMessage(), e);
        }
    }

    @Override
    public SSLParameters parameters(SSLParameters defaults) {
        SSLParameters parameters = protocols(defaults);
        parameters.setEndpointIdentificationAlgorithm(null); // the trust manager checks the SPIFFE ID instead
        return parameters;
    }

    /** The service's name: endpoints are verified by SPIFFE ID, not by a host name. */
    @Override
    String serverName() {
        return service;
    }

    private String prefix() {
        return "jmesh: " + service + ": tls mode mutual: ";
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Mutual TLS to one service: this workload's certificate, the service's endpoints verified
 * against {@code serverIdentity}. Without an identity (its files could not be loaded) every
 * use fails, naming why: the policy asked for TLS, so there is no plaintext fallback.
 */
final class ServiceTls implements TlsOrigination {

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
        defaults.setProtocols(MeshTls.PROTOCOLS.toArray(new String[0]));
        defaults.setEndpointIdentificationAlgorithm(null); // the trust manager checks the SPIFFE ID instead
        return defaults;
    }

    @Override
    public SSLSocket secure(Socket connected, int timeoutMillis) throws IOException {
        SSLContext context;
        try {
            context = context();
        } catch (IllegalStateException e) {
            connected.close();
            throw new SSLHandshakeException(e.getMessage());
        }
        SSLSocket socket = null;
        try {
            socket = (SSLSocket) context.getSocketFactory().createSocket(connected, service, connected.getPort(), true);
            socket.setUseClientMode(true);
            SSLParameters parameters = parameters(socket.getSSLParameters());
            parameters.setServerNames(List.of(new SNIHostName(service)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(timeoutMillis);
            socket.startHandshake();
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException | RuntimeException e) {
            (socket != null ? socket : connected).close();
            throw e;
        }
    }

    private String prefix() {
        return "jmesh: " + service + ": tls mode mutual: ";
    }
}

package dev.jmesh.agent.inbound;

import dev.jmesh.agent.authz.Authorizer;
import dev.jmesh.agent.jwt.TokenValidator;
import dev.jmesh.policy.SpiffeId;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How an inbound port treats callers.
 *
 * @param acceptsPlaintext  whether plaintext callers are joined too ({@code permissive})
 * @param joinsAtFirstByte  whether a connection is joined to the application at its first byte
 *                          of a request ({@code protocol: http}) rather than once it is accepted
 * @param tls               the server context that authenticates callers (client certificate
 *                          required, checked against the trust bundle and {@code allow}), asked
 *                          for each connection (it is renewed when the certificate rotates), or
 *                          {@code null} when the identity could not be loaded: then mTLS
 *                          callers are refused (fail closed)
 * @param unavailableReason why {@code tls} is null
 * @param localIdentity     this workload's SPIFFE ID, the {@code By=} of the caller header
 * @param authorizer        the port's authorization policies
 * @param tokens            the port's token rules
 */
public record InboundPolicy(boolean acceptsPlaintext, boolean joinsAtFirstByte, Supplier<SSLContext> tls,
                            String unavailableReason, String localIdentity, Authorizer authorizer,
                            TokenValidator tokens) {

    /**
     * The application behind the port is reached as it is, so only HTTP/1.1 is agreed over
     * ALPN: an HTTP/2 client then speaks HTTP/1.1 rather than h2 the application may not serve.
     */
    private static final String[] ALPN = {"http/1.1"};

    /**
     * HTTP/1.1 over ALPN; the context's sockets already offer only the mesh's protocol versions
     * and require a client certificate.
     */
    SSLParameters serverParameters(SSLParameters defaults) {
        defaults.setApplicationProtocols(ALPN);
        return defaults;
    }

    /** The caller's SPIFFE ID, as the trust manager that admitted it read it. */
    String identityOf(X509Certificate peer) {
        return SpiffeId.fromCertificate(peer).map(SpiffeId::toString).orElse("unknown");
    }
}

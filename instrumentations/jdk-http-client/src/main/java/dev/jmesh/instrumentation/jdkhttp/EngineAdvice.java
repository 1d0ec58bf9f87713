package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.TlsOrigination;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code AbstractAsyncSSLConnection.createEngine(context, host, port, parameters)}:
 * a TLS connection to an endpoint of a service the mesh secures gets the mesh's context (this
 * workload's certificate, the peer checked against its SPIFFE ID) instead of the client's. Not
 * suppressed: when the identity is missing the connection fails, it never goes out in plaintext.
 */
final class EngineAdvice {

    private EngineAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) SSLContext context,
                      @Advice.Argument(1) String host,
                      @Advice.Argument(2) int port,
                      @Advice.Argument(value = 3, readOnly = false) SSLParameters parameters) {
        TlsOrigination tls = Mesh.tlsTo(host, port);
        if (tls != null) {
            context = tls.context();
            parameters = tls.parameters(parameters);
        }
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.bootstrap.TlsOrigination;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS the mesh layers over a connection the application made in plaintext, whatever verifies
 * the server: the handshake over a connected socket is the same for every mode, only the
 * context, the parameters and the name the server is asked for differ.
 */
abstract class OriginatedTls implements TlsOrigination {

    /** The name the socket is made for: sent in SNI and, where the mode checks host names, verified. */
    abstract String serverName();

    /** TLS 1.3 and 1.2, as every mesh connection. */
    static SSLParameters protocols(SSLParameters defaults) {
        defaults.setProtocols(MeshTls.PROTOCOLS.toArray(new String[0]));
        return defaults;
    }

    /** An IP literal, which SNI cannot carry. */
    static boolean isAddress(String name) {
        return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
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
            String name = serverName();
            socket = (SSLSocket) context.getSocketFactory().createSocket(connected, name, connected.getPort(), true);
            socket.setUseClientMode(true);
            SSLParameters parameters = parameters(socket.getSSLParameters());
            if (!isAddress(name)) {
                parameters.setServerNames(List.of(new SNIHostName(name)));
            }
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
}

package dev.jmesh.agent.inbound;

import dev.jmesh.bootstrap.ByteCount;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One connection accepted on an inbound port: terminated if it is mutual TLS, refused if it is
 * plaintext and plaintext is not allowed, then joined to the application's own, loopback-only
 * port. In {@code permissive} mode the first byte tells the two apart (a TLS handshake record
 * starts with 0x16).
 *
 * <p>A port serving {@code http} joins a connection at its first byte of a request, as Envoy
 * opens upstream connections for requests: an idle connection (a client pool's spare, a TCP
 * probe's) costs the application no connection, and the port one descriptor and a parked
 * thread. A {@code tcp} port joins at once, since a server-first protocol greets first.
 */
final class InboundConnection implements Runnable {

    private static final byte[] NOTHING = {};
    /** First byte of a TLS record carrying a handshake message (the ClientHello). */
    private static final int TLS_HANDSHAKE = 0x16;
    /** How long an HTTP connection may stay silent before its first request: Envoy's HTTP idle timeout. */
    private static final int IDLE_TIMEOUT_MILLIS = 3_600_000;
    /** Bound on a caller's first byte on a tcp port, and on its handshake: a silent caller does not hold a connection. */
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** How long the application may take to end its side once the port answered a request itself. */
    private static final long ANSWER_WAIT_MILLIS = 1_000;

    private final Socket accepted;
    private final InboundPort port;

    InboundConnection(Socket accepted, InboundPort port) {
        this.accepted = accepted;
        this.port = port;
    }

    @Override
    public void run() {
        try {
            InboundPolicy policy = port.policy();
            accepted.setSoTimeout(policy.joinsAtFirstByte() ? IDLE_TIMEOUT_MILLIS : HANDSHAKE_TIMEOUT_MILLIS);
            int first = accepted.getInputStream().read();
            if (first < 0) {
                accepted.close();
            } else if (first == TLS_HANDSHAKE || !policy.acceptsPlaintext()) {
                // strict: a plaintext caller's bytes fail the handshake, which tells it so
                accepted.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
                terminateTls(policy, (byte) first);
            } else {
                join(accepted, new byte[] {(byte) first}, null, InboundEvents.PLAINTEXT);
            }
        } catch (IOException | RuntimeException e) {
            close(accepted); // silent, slow or broken caller
        }
    }

    /** @param first the caller's first byte, already read, which its handshake starts with */
    private void terminateTls(InboundPolicy policy, byte first) throws IOException {
        if (policy.tls() == null) {
            port.refused("connection from " + accepted.getRemoteSocketAddress() + ": " + policy.unavailableReason());
            accepted.close();
            return;
        }
        SSLContext context = policy.tls().get();
        // The byte already read is read again through the accepted socket itself, so any
        // provider layers its TLS the standard way.
        Socket under = new ReplayingSocket(accepted, new ByteArrayInputStream(new byte[] {first}));
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(under,
                accepted.getInetAddress().getHostAddress(), accepted.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(policy.serverParameters(tls.getSSLParameters()));
        try {
            tls.startHandshake();
        } catch (IOException refused) {
            // bad certificate, identity not allowed, expired, another trust domain: the alert went out
            // (in strict mode, a plaintext caller ends here too)
            port.refused("mTLS handshake with " + accepted.getRemoteSocketAddress() + " failed: " + refused.getMessage());
            close(tls);
            return;
        }
        X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        String peerIdentity = policy.identityOf(peer);
        byte[] consumed = NOTHING;
        if (policy.joinsAtFirstByte()) {
            tls.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            int firstOfRequest = tls.getInputStream().read();
            if (firstOfRequest < 0) {
                close(tls);
                return;
            }
            consumed = new byte[] {(byte) firstOfRequest};
        }
        join(tls, consumed, InboundRequests.clientCert(policy.localIdentity(), hash(peer), peerIdentity), peerIdentity);
    }

    /**
     * Connects to the application and copies both ways until both sides are done. A request the
     * port answers itself is answered once the application has sent all it had for the requests
     * before it (its side ends when it sees the port's end), and the connection is closed.
     *
     * @param consumed bytes already read from the caller
     */
    private void join(Socket caller, byte[] consumed, String clientCert, String principal) throws IOException {
        caller.setSoTimeout(0);
        Socket app = new Socket();
        try {
            app.connect(port.appAddress(), 5_000);
            app.setTcpNoDelay(true);
        } catch (IOException e) {
            port.refused("application port " + port.appAddress() + " not reachable: " + e.getMessage());
            close(caller);
            close(app);
            return;
        }
        ByteCount bytes = port.opened(principal, app.getLocalPort());
        AtomicReference<LocalReply> answer = new AtomicReference<>();
        Thread back = port.start("jmesh-inbound-out", () -> {
            try {
                Pipes.copy(ByteCount.counting(app.getInputStream(), bytes::sent), caller.getOutputStream());
            } catch (IOException e) {
                // one side went away: the other copy ends too once both are closed
            } finally {
                reply(caller, answer.get());
                close(caller);
                close(app);
            }
        });
        InboundPolicy policy = port.policy();
        RequestGate gate = new RequestGate(clientCert, policy.authorizer(), policy.tokens(),
                principal.equals(InboundEvents.PLAINTEXT) ? null : principal);
        try {
            InputStream fromCaller = new BufferedInputStream(ByteCount.counting(
                    new SequenceInputStream(new ByteArrayInputStream(consumed), caller.getInputStream()),
                    bytes::received), 16 * 1024);
            InboundRequests.Answered answered = new InboundRequests(fromCaller, app.getOutputStream(), gate).copy();
            if (answered != null) {
                answer.set(answered.reply());
                port.answered(answered, principal);
            }
            app.shutdownOutput(); // the caller finished sending; the answer may still come
            if (answered != null) {
                // HTTP/1.1 callers wait for each answer before the next request: the application
                // owes nothing more, whether or not it closes a half-closed connection itself
                back.join(ANSWER_WAIT_MILLIS);
                close(app);
            }
            back.join();
        } catch (InboundRequests.NotHttp e) {
            port.refused("connection from " + caller.getRemoteSocketAddress() + ": " + e.getMessage());
            close(caller);
            close(app);
        } catch (IOException e) {
            close(caller);
            close(app);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(caller);
            close(app);
        } finally {
            port.closed(principal, app.getLocalPort());
        }
    }

    private static void reply(Socket caller, LocalReply reply) {
        if (reply == null || caller.isClosed()) {
            return;
        }
        try {
            caller.getOutputStream().write(reply.bytes());
            caller.getOutputStream().flush();
        } catch (IOException e) {
            // the caller is gone
        }
    }

    static String hash(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}

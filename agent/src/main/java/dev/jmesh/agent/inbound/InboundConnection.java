package dev.jmesh.agent.inbound;

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
import javax.net.ssl.SSLSocket;

/**
 * One connection accepted on an inbound port: told apart by its first byte (a TLS handshake
 * record, or anything else: plaintext), terminated if it is mutual TLS, refused if plaintext
 * is not allowed, then joined to the application's own, loopback-only port.
 */
final class InboundConnection implements Runnable {

    /** First byte of a TLS record carrying a handshake message (the ClientHello). */
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int FIRST_BYTE_TIMEOUT_MILLIS = 10_000;

    private final Socket accepted;
    private final InboundPort port;

    InboundConnection(Socket accepted, InboundPort port) {
        this.accepted = accepted;
        this.port = port;
    }

    @Override
    public void run() {
        try {
            accepted.setSoTimeout(FIRST_BYTE_TIMEOUT_MILLIS);
            int first = accepted.getInputStream().read();
            if (first < 0) {
                accepted.close();
                return;
            }
            if (first == TLS_HANDSHAKE) {
                terminateTls(first);
            } else if (port.policy().acceptsPlaintext()) {
                join(accepted, new ByteArrayInputStream(new byte[] {(byte) first}), null, InboundEvents.PLAINTEXT);
            } else {
                port.refused("plaintext connection from " + accepted.getRemoteSocketAddress() + " (mtls: strict)");
                accepted.close();
            }
        } catch (IOException | RuntimeException e) {
            close(accepted); // silent, slow or broken caller
        }
    }

    private void terminateTls(int first) throws IOException {
        InboundPolicy policy = port.policy();
        if (policy.tls() == null) {
            port.refused("mTLS connection from " + accepted.getRemoteSocketAddress() + ": " + policy.unavailableReason());
            accepted.close();
            return;
        }
        SSLSocket tls = (SSLSocket) policy.tls().getSocketFactory()
                .createSocket(accepted, new ByteArrayInputStream(new byte[] {(byte) first}), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(policy.serverParameters(tls.getSSLParameters()));
        try {
            tls.startHandshake();
        } catch (IOException refused) {
            // bad certificate, identity not allowed, expired, another trust domain: the alert went out
            port.refused("mTLS handshake with " + accepted.getRemoteSocketAddress() + " failed: " + refused.getMessage());
            close(tls);
            return;
        }
        tls.setSoTimeout(0);
        X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        String peerIdentity = policy.identityOf(peer);
        join(tls, InputStream.nullInputStream(), ClientCertHeader.value(policy.localIdentity(), hash(peer), peerIdentity),
                peerIdentity);
    }

    /**
     * Connects to the application and copies both ways until both sides are done.
     *
     * @param prefix bytes already read from the caller
     */
    private void join(Socket caller, InputStream prefix, String clientCert, String principal) throws IOException {
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
        port.opened(principal);
        Thread back = port.start("jmesh-inbound-out", () -> {
            try {
                Pipes.copy(app.getInputStream(), caller.getOutputStream());
            } catch (IOException e) {
                // one side went away: the other copy ends too once both are closed
            } finally {
                close(caller);
                close(app);
            }
        });
        try {
            InputStream fromCaller = new BufferedInputStream(
                    new SequenceInputStream(prefix, caller.getInputStream()), 16 * 1024);
            new ClientCertHeader(fromCaller, app.getOutputStream(), clientCert).copy();
            app.shutdownOutput(); // the caller finished sending; the answer may still come
            back.join();
        } catch (IOException e) {
            close(caller);
            close(app);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(caller);
            close(app);
        } finally {
            port.closed(principal);
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

package dev.jmesh.control.server;

import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A link through an {@link SSLEngine} on a non-blocking channel: records read are unwrapped
 * into frames' bytes, frames' bytes are wrapped into records, and the handshake is driven by
 * whichever of the two the engine needs (its delegated tasks run inline: they are a few
 * signatures per link).
 */
final class TlsLinkIo implements LinkIo {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean closed;

    TlsLinkIo(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        int n = channel.read(netIn);
        if (n < 0) {
            closed = true;
        }
        netIn.flip();
        try {
            unwrapAll();
        } finally {
            netIn.compact();
        }
        appIn.flip();
        int copied = Math.min(appIn.remaining(), into.remaining());
        ByteBuffer slice = appIn.slice();
        slice.limit(copied);
        into.put(slice);
        appIn.position(appIn.position() + copied);
        appIn.compact();
        if (copied == 0 && (closed || engine.isInboundDone())) {
            return -1;
        }
        return copied;
    }

    private void unwrapAll() throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    ByteBuffer larger = ByteBuffer.allocate(appIn.capacity() * 2);
                    appIn.flip();
                    larger.put(appIn);
                    appIn = larger;
                    continue;
                }
                case BUFFER_UNDERFLOW -> {
                    return; // a record is not whole yet
                }
                case CLOSED -> {
                    closed = true;
                    return;
                }
                default -> { }
            }
            if (!handshake(result.getHandshakeStatus()) && result.bytesConsumed() == 0) {
                return;
            }
        }
    }

    /** Runs what the handshake needs besides unwrapping; true when it moved. */
    private boolean handshake(SSLEngineResult.HandshakeStatus status) throws IOException {
        boolean moved = false;
        while (true) {
            switch (status) {
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                    moved = true;
                }
                case NEED_WRAP -> {
                    SSLEngineResult result = engine.wrap(EMPTY, netOut);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        if (!flushPending()) {
                            return moved; // the channel is full: the selector calls back when it can write
                        }
                        continue;
                    }
                    flushPending();
                    status = result.getHandshakeStatus();
                    moved = true;
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        closed = true;
                        return moved;
                    }
                }
                default -> {
                    return moved;
                }
            }
        }
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        if (!flushPending()) {
            return 0;
        }
        int before = from.remaining();
        SSLEngineResult result = engine.wrap(from, netOut);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS session is closed");
        }
        handshake(result.getHandshakeStatus());
        flushPending();
        return before - from.remaining();
    }

    @Override
    public boolean pendingOutput() {
        return netOut.position() > 0;
    }

    @Override
    public boolean flushPending() throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        channel.write(netOut);
        netOut.compact();
        return netOut.position() == 0;
    }

    @Override
    public String peerIdentity() {
        try {
            Certificate[] peer = engine.getSession().getPeerCertificates();
            return peer.length == 0 || !(peer[0] instanceof X509Certificate leaf) ? null
                    : SpiffeId.fromCertificate(leaf).map(SpiffeId::toString).orElse(null);
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate: the token alone speaks for the agent
        }
    }
}

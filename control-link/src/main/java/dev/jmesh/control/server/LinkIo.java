package dev.jmesh.control.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * How a link's bytes cross its channel: as they are on a loopback-only plaintext replica, or
 * through TLS. Non-blocking either way, called on the selector thread only.
 */
interface LinkIo {

    /** Reads what the peer sent; -1 at its end. TLS: 0 while only the handshake moved. */
    int read(ByteBuffer into) throws IOException;

    /** Writes what the channel takes now; returns how much of {@code from} was taken. */
    int write(ByteBuffer from) throws IOException;

    /** Whether bytes taken are still waiting for the channel (TLS records, handshake messages). */
    boolean pendingOutput();

    /** Writes what is pending; true when nothing is. */
    boolean flushPending() throws IOException;

    /** The peer's SPIFFE ID as its client certificate proves it, or null. */
    default String peerIdentity() {
        return null;
    }

    /** Plaintext: the channel itself. */
    static LinkIo plain(SocketChannel channel) {
        return new LinkIo() {
            @Override
            public int read(ByteBuffer into) throws IOException {
                return channel.read(into);
            }

            @Override
            public int write(ByteBuffer from) throws IOException {
                return channel.write(from);
            }

            @Override
            public boolean pendingOutput() {
                return false;
            }

            @Override
            public boolean flushPending() {
                return true;
            }
        };
    }
}

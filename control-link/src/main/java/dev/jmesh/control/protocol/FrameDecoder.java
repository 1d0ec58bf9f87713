package dev.jmesh.control.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Incremental decoder for a non-blocking reader: feed it whatever bytes arrived, take out the
 * complete messages. Memory is bounded by what actually arrived (the body buffer grows with the
 * bytes, never to a declared length up front) and by the per-type limits of {@link Frames}.
 * After a {@link ProtocolException} the decoder is spent: the link is to be closed.
 */
public final class FrameDecoder {

    private final byte[] header = new byte[Frames.HEADER_BYTES];
    private int headerFilled;
    private byte type;
    private int length = -1;
    private byte[] body = new byte[0];
    private int bodyFilled;

    /**
     * Consumes bytes from {@code in} up to the end of one frame.
     *
     * @return the message when a frame completed, else {@code null} ({@code in} is then empty)
     */
    public Message next(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            if (length < 0) {
                header[headerFilled++] = in.get();
                if (headerFilled == Frames.HEADER_BYTES) {
                    ByteBuffer h = ByteBuffer.wrap(header);
                    byte magic = h.get();
                    type = h.get();
                    length = Frames.checkHeader(magic, type, h.getInt());
                    bodyFilled = 0;
                    if (length == 0) {
                        return complete();
                    }
                }
                continue;
            }
            int want = Math.min(in.remaining(), length - bodyFilled);
            if (body.length < bodyFilled + want) {
                body = Arrays.copyOf(body, Math.min(length, Math.max(bodyFilled + want, body.length * 2)));
            }
            in.get(body, bodyFilled, want);
            bodyFilled += want;
            if (bodyFilled == length) {
                return complete();
            }
        }
        return null;
    }

    private Message complete() throws ProtocolException {
        Message message = Frames.decode(type, body, length);
        headerFilled = 0;
        length = -1;
        if (body.length > 64 * 1024) {
            body = new byte[0]; // don't keep a snapshot-sized buffer per idle link
        }
        return message;
    }
}

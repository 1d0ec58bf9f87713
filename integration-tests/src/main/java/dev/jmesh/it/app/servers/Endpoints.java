package dev.jmesh.it.app.servers;

import java.util.Arrays;

/**
 * What every {@link ServedServer} answers, so that one test drives them all:
 *
 * <pre>
 * /echo          200, the request body, with its length
 * /status/CODE   CODE, no body
 * /bytes/N       200, N bytes streamed in pieces without a length (chunked)
 * /fail          the handler throws before answering: the server answers as it does then
 * anything else  404, no body
 * </pre>
 */
public final class Endpoints {

    /** The size of each piece of a streamed body. */
    public static final int PIECE = 1000;

    private Endpoints() {}

    /** A response: its status, its body, and whether the body is streamed without a length. */
    public record Reply(int status, byte[] body, boolean streamed) {

        /** The body's pieces as a streamed body is written. */
        public byte[][] pieces() {
            int count = (body.length + PIECE - 1) / PIECE;
            byte[][] pieces = new byte[count][];
            for (int i = 0; i < count; i++) {
                pieces[i] = Arrays.copyOfRange(body, i * PIECE, Math.min(body.length, (i + 1) * PIECE));
            }
            return pieces;
        }
    }

    /** The reply to a request, read whole; throws for {@code /fail}, as a broken handler does. */
    public static Reply reply(String path, byte[] requestBody) {
        if (path.equals("/fail")) {
            throw new IllegalStateException("the handler failed");
        }
        if (path.equals("/echo")) {
            return new Reply(200, requestBody, false);
        }
        if (path.startsWith("/status/")) {
            return new Reply(Integer.parseInt(path.substring("/status/".length())), new byte[0], false);
        }
        if (path.startsWith("/bytes/")) {
            byte[] body = new byte[Integer.parseInt(path.substring("/bytes/".length()))];
            Arrays.fill(body, (byte) 'x');
            return new Reply(200, body, true);
        }
        return new Reply(404, new byte[0], false);
    }
}

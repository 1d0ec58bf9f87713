package dev.jmesh.agent.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies the request direction of an inbound connection to the application, head by head while
 * it carries HTTP/1.x, each head as its {@link RequestGate} admits it (Envoy's format for the
 * caller header: {@code By=<this workload>;Hash=<sha-256 of the caller's certificate>;URI=<caller's
 * SPIFFE ID>}).
 *
 * <p>Request framing is followed (Content-Length, chunked) so that every request on a
 * keep-alive connection is seen. Anything that is not HTTP/1.x — a database protocol, an
 * upgraded connection, a head over {@link #MAX_HEAD} — is copied as it is from there on, unless
 * the gate is {@linkplain RequestGate#httpOnly() HTTP only}.
 */
final class InboundRequests {

    static final int MAX_HEAD = 64 * 1024;
    /** A refused request's body up to this size is read and dropped, so the caller reads the answer, not a reset. */
    private static final long MAX_DRAINED = 1024 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream in;
    private final OutputStream out;
    private final RequestGate gate;

    InboundRequests(InputStream in, OutputStream out, RequestGate gate) {
        this.in = in;
        this.out = out;
        this.gate = gate;
    }

    static String clientCert(String localIdentity, String certificateHash, String peerIdentity) {
        return "By=" + localIdentity + ";Hash=" + certificateHash + ";URI=" + peerIdentity;
    }

    /**
     * Copies until the caller's side ends, or until a request is answered by the port.
     *
     * @return the last request read and the port's answer to it, or null when the caller finished
     * @throws NotHttp when the gate is HTTP only and the caller spoke something else
     */
    Answered copy() throws IOException {
        for (;;) {
            RequestHead head = readHead();
            if (head == null) {
                return null; // end of stream between requests
            }
            if (!head.http) {
                if (gate.httpOnly()) {
                    throw new NotHttp();
                }
                out.write(head.raw);
                out.flush();
                Pipes.copy(in, out);
                return null;
            }
            RequestGate.Admission admission = gate.admit(head);
            if (admission.reply() != null) {
                drainBody(head);
                return new Answered(head, admission.reply());
            }
            out.write(admission.head());
            out.flush();
            if (admission.opaqueAfter()) {
                Pipes.copy(in, out);
                return null;
            }
            copyBody(head, out);
        }
    }

    /** A request the port answered itself; the connection ends with the answer. */
    record Answered(RequestHead request, LocalReply reply) {}

    /** The caller's bytes are not an HTTP/1.x request, and rules in force need one. */
    static final class NotHttp extends IOException {
        NotHttp() {
            super("not an HTTP/1.x request, and the port's authorization needs one");
        }
    }

    /** Reads a head up to its blank line; null at a clean end of stream. */
    private RequestHead readHead() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        int matched = 0; // of CR LF CR LF
        for (int b; (b = in.read()) >= 0; ) {
            buffer.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (buffer.size() == 8 && !looksLikeRequestLine(buffer.toByteArray())) {
                return RequestHead.opaque(buffer.toByteArray());
            }
            if (matched == 4) {
                return RequestHead.parse(buffer.toByteArray());
            }
            if (buffer.size() >= MAX_HEAD) {
                return RequestHead.opaque(buffer.toByteArray());
            }
        }
        return buffer.size() == 0 ? null : RequestHead.opaque(buffer.toByteArray());
    }

    // The start of an HTTP/1.x request line: a token of upper-case letters and a space.
    private static boolean looksLikeRequestLine(byte[] start) {
        int i = 0;
        while (i < start.length && start[i] >= 'A' && start[i] <= 'Z') {
            i++;
        }
        return i > 0 && (i == start.length || start[i] == ' ');
    }

    private void copyBody(RequestHead head, OutputStream to) throws IOException {
        if (head.chunked) {
            copyChunks(to);
        } else {
            copyFixed(head.contentLength, to);
        }
    }

    private void drainBody(RequestHead head) {
        if (head.chunked || head.contentLength <= MAX_DRAINED) {
            try {
                copyBody(head, new BoundedSink(MAX_DRAINED));
            } catch (IOException e) {
                // answered all the same; a caller still sending may see a reset instead
            }
        }
    }

    private void copyFixed(long length, OutputStream to) throws IOException {
        byte[] buffer = new byte[(int) Math.min(16 * 1024, Math.max(length, 1))];
        while (length > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
            if (n < 0) {
                throw new IOException("request body ended " + length + " bytes early");
            }
            to.write(buffer, 0, n);
            length -= n;
        }
        to.flush();
    }

    private void copyChunks(OutputStream to) throws IOException {
        for (;;) {
            String sizeLine = readLine();
            to.write(sizeLine.getBytes(StandardCharsets.ISO_8859_1));
            to.write(CRLF);
            int extension = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + sizeLine);
            }
            if (size == 0) {
                for (String trailer; !(trailer = readLine()).isEmpty(); ) {
                    to.write(trailer.getBytes(StandardCharsets.ISO_8859_1));
                    to.write(CRLF);
                }
                to.write(CRLF);
                to.flush();
                return;
            }
            copyFixed(size + 2, to); // the chunk and its CRLF
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                int end = line.length() - (line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? 1 : 0);
                return line.substring(0, end);
            }
            if (line.length() >= MAX_HEAD) {
                throw new IOException("chunk line over " + MAX_HEAD + " bytes");
            }
            line.append((char) b);
        }
        throw new IOException("request ended inside a chunked body");
    }

    /** Drops what it is given, up to a bound: a refused body is read, never kept. */
    private static final class BoundedSink extends OutputStream {
        private long room;

        BoundedSink(long room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            room -= length;
            if (room < 0) {
                throw new IOException("refused request's body over " + MAX_DRAINED + " bytes");
            }
        }
    }
}

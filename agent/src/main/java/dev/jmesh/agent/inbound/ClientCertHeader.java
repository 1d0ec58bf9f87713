package dev.jmesh.agent.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Copies the request direction of an inbound connection to the application and, while it
 * carries HTTP/1.x, gives every request an {@code x-forwarded-client-cert} header naming the
 * authenticated caller (Envoy's format: {@code By=<this workload>;Hash=<sha-256 of the
 * caller's certificate>;URI=<caller's SPIFFE ID>}). A header of that name sent by the caller
 * is removed first, always: only the mesh may say who called.
 *
 * <p>Request framing is followed (Content-Length, chunked) so that every request on a
 * keep-alive connection is seen. Anything that is not HTTP/1.x — a database protocol, an
 * upgraded connection, a head over {@link #MAX_HEAD} — is copied as it is from there on.
 */
final class ClientCertHeader {

    static final String NAME = "x-forwarded-client-cert";
    static final int MAX_HEAD = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream in;
    private final OutputStream out;
    private final String value; // null: strip only (a plaintext caller has no identity)

    /** @param value the header value for authenticated callers, or {@code null} to only remove it */
    ClientCertHeader(InputStream in, OutputStream out, String value) {
        this.in = in;
        this.out = out;
        this.value = value;
    }

    static String value(String localIdentity, String certificateHash, String peerIdentity) {
        return "By=" + localIdentity + ";Hash=" + certificateHash + ";URI=" + peerIdentity;
    }

    /** Copies until the caller's side ends. */
    void copy() throws IOException {
        for (;;) {
            Head head = readHead();
            if (head == null) {
                return; // end of stream between requests
            }
            if (!head.http) {
                out.write(head.raw);
                out.flush();
                Pipes.copy(in, out);
                return;
            }
            out.write(head.rewritten(value));
            out.flush();
            if (head.opaqueAfter) {
                Pipes.copy(in, out);
                return;
            }
            if (head.chunked) {
                copyChunks();
            } else {
                copyFixed(head.contentLength);
            }
        }
    }

    /** One request head as read, and what it says about the body that follows. */
    private static final class Head {
        final byte[] raw;
        final boolean http;
        String[] lines;
        boolean chunked;
        long contentLength;
        boolean opaqueAfter; // CONNECT or Upgrade: not HTTP/1.x after this head

        Head(byte[] raw, boolean http) {
            this.raw = raw;
            this.http = http;
        }

        byte[] rewritten(String value) {
            StringBuilder text = new StringBuilder(raw.length + 128);
            text.append(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].regionMatches(true, 0, NAME + ":", 0, NAME.length() + 1)) {
                    text.append(lines[i]).append("\r\n");
                }
            }
            if (value != null) {
                text.append(NAME).append(": ").append(value).append("\r\n");
            }
            return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads a head up to its blank line; null at a clean end of stream. */
    private Head readHead() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        int matched = 0; // of CR LF CR LF
        for (int b; (b = in.read()) >= 0; ) {
            buffer.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (buffer.size() == 8 && !looksLikeRequestLine(buffer.toByteArray())) {
                return new Head(buffer.toByteArray(), false);
            }
            if (matched == 4) {
                return parse(buffer.toByteArray());
            }
            if (buffer.size() >= MAX_HEAD) {
                return new Head(buffer.toByteArray(), false);
            }
        }
        return buffer.size() == 0 ? null : new Head(buffer.toByteArray(), false);
    }

    // The start of an HTTP/1.x request line: a token of upper-case letters and a space.
    private static boolean looksLikeRequestLine(byte[] start) {
        int i = 0;
        while (i < start.length && start[i] >= 'A' && start[i] <= 'Z') {
            i++;
        }
        return i > 0 && (i == start.length || start[i] == ' ');
    }

    private static Head parse(byte[] raw) {
        String text = new String(raw, 0, raw.length - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return new Head(raw, false);
        }
        Head head = new Head(raw, true);
        head.lines = lines;
        head.opaqueAfter = requestLine[0].equals("CONNECT");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return new Head(raw, false);
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "transfer-encoding" -> head.chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                case "content-length" -> {
                    try {
                        head.contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return new Head(raw, false);
                    }
                }
                case "upgrade" -> head.opaqueAfter = true;
                default -> { }
            }
        }
        return head;
    }

    private void copyFixed(long length) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        while (length > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
            if (n < 0) {
                throw new IOException("request body ended " + length + " bytes early");
            }
            out.write(buffer, 0, n);
            length -= n;
        }
        out.flush();
    }

    private void copyChunks() throws IOException {
        for (;;) {
            String sizeLine = readLine();
            out.write(sizeLine.getBytes(StandardCharsets.ISO_8859_1));
            out.write(CRLF);
            int extension = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + sizeLine);
            }
            if (size == 0) {
                for (String trailer; !(trailer = readLine()).isEmpty(); ) {
                    out.write(trailer.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(CRLF);
                }
                out.write(CRLF);
                out.flush();
                return;
            }
            copyFixed(size + 2); // the chunk and its CRLF
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
}

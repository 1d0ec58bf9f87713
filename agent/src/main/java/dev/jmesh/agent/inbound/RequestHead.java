package dev.jmesh.agent.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** One request head as read from a caller, and what it says about the body that follows. */
final class RequestHead {

    final byte[] raw;
    /** False: not an HTTP/1.x request head (another protocol, or one too long to be a head). */
    final boolean http;
    final String method;
    final String target;
    final String version;
    private final String[] lines;
    final boolean chunked;
    final long contentLength;
    /** CONNECT or Upgrade: not HTTP/1.x after this head. */
    final boolean opaqueAfter;

    private RequestHead(byte[] raw, String[] lines, boolean chunked, long contentLength, boolean opaqueAfter) {
        this.raw = raw;
        this.http = lines != null;
        this.lines = lines;
        String[] requestLine = lines == null ? new String[3] : lines[0].split(" ");
        this.method = requestLine[0];
        this.target = requestLine[1];
        this.version = requestLine[2];
        this.chunked = chunked;
        this.contentLength = contentLength;
        this.opaqueAfter = opaqueAfter;
    }

    /** Bytes that are not an HTTP/1.x head: copied as they are. */
    static RequestHead opaque(byte[] raw) {
        return new RequestHead(raw, null, false, 0, false);
    }

    /** @param raw a head up to and including its blank line */
    static RequestHead parse(byte[] raw) {
        String text = new String(raw, 0, raw.length - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return opaque(raw);
        }
        boolean chunked = false;
        String transferEncoding = null;
        String contentLength = null;
        boolean opaqueAfter = requestLine[0].equals("CONNECT");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            // No space before the colon, no folded lines: a name the application could read
            // differently from the port is how requests are smuggled past it.
            if (colon <= 0 || lines[i].charAt(colon - 1) <= ' ' || lines[i].charAt(0) <= ' ') {
                return opaque(raw);
            }
            String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "transfer-encoding" -> transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                case "content-length" -> {
                    if (contentLength != null && !contentLength.equals(value)) {
                        return opaque(raw);
                    }
                    contentLength = value;
                }
                case "upgrade" -> opaqueAfter = true;
                default -> { }
            }
        }
        long length = 0;
        if (transferEncoding != null) {
            // RFC 9112: chunked must be the last coding, and it overrides (here: excludes) a length
            if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked") || contentLength != null) {
                return opaque(raw);
            }
        } else if (contentLength != null) {
            try {
                length = Long.parseLong(contentLength);
            } catch (NumberFormatException e) {
                return opaque(raw);
            }
            if (length < 0) {
                return opaque(raw);
            }
        }
        return new RequestHead(raw, lines, transferEncoding != null, length, opaqueAfter);
    }

    /** A header's value by lower-case name, several joined by ", "; null when absent. */
    String header(String name) {
        String value = null;
        for (int i = 1; i < lines.length; i++) {
            if (isHeader(lines[i], name)) {
                String one = lines[i].substring(name.length() + 1).trim();
                value = value == null ? one : value + ", " + one;
            }
        }
        return value;
    }

    /**
     * The head as the application gets it.
     *
     * @param target  the request target to send
     * @param removed lower-case names of headers left out
     * @param added   a header line to add, or null
     */
    byte[] rewritten(String target, Set<String> removed, String added) {
        StringBuilder text = new StringBuilder(raw.length + 128);
        text.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (!removed(lines[i], removed)) {
                text.append(lines[i]).append("\r\n");
            }
        }
        if (added != null) {
            text.append(added).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean removed(String line, Set<String> names) {
        for (String name : names) {
            if (isHeader(line, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHeader(String line, String name) {
        return line.length() > name.length() && line.charAt(name.length()) == ':' && line.regionMatches(true, 0, name, 0, name.length());
    }
}

package dev.jmesh.agent.accesslog;

/**
 * One request, as its access log line says it; made only when an access log is on, and
 * rendered on the log's own thread.
 *
 * @param startMillis   when the request began, epoch milliseconds
 * @param outbound      a call this workload made (else one it served)
 * @param protocol      {@code HTTP/1.1} and the like, or {@code null} when the client does not say
 * @param flags         Envoy's response flags, {@code -} for none
 * @param bytesReceived request body bytes, -1 unknown
 * @param bytesSent     response body bytes, -1 unknown
 * @param authority     the service called (outbound) or the {@code Host} asked for (inbound), or null
 * @param upstream      the endpoint that answered (outbound), or null
 * @param caller        who called: this workload (outbound), the caller's principal or workload (inbound), or null
 */
public record AccessLogEntry(long startMillis, boolean outbound, String method, String path, String protocol,
                             int code, String flags, long bytesReceived, long bytesSent, long durationMillis,
                             String authority, String upstream, String caller) {

    /**
     * Envoy's default format, with the direction and the caller at the end:
     * {@code [START] "METHOD PATH PROTOCOL" CODE FLAGS BYTES_RECEIVED BYTES_SENT DURATION "AUTHORITY" "UPSTREAM" DIRECTION CALLER}.
     */
    String render() {
        StringBuilder line = new StringBuilder(160);
        line.append('[').append(java.time.Instant.ofEpochMilli(startMillis)).append("] \"");
        text(line, method).append(' ');
        text(line, path).append(' ');
        text(line, protocol).append("\" ").append(code).append(' ').append(flags).append(' ');
        size(line, bytesReceived).append(' ');
        size(line, bytesSent).append(' ').append(durationMillis).append(" \"");
        text(line, authority).append("\" \"");
        text(line, upstream).append("\" ").append(outbound ? "outbound" : "inbound").append(' ');
        return text(line, caller).toString();
    }

    /** Writes {@code value}, or {@code -}, with quotes, backslashes and control characters escaped: one request, one line. */
    private static StringBuilder text(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            return line.append('-');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                line.append(String.format("\\x%02x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line;
    }

    private static StringBuilder size(StringBuilder line, long bytes) {
        return bytes < 0 ? line.append('-') : line.append(bytes);
    }
}

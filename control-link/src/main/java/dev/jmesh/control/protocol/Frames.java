package dev.jmesh.control.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The frame format, both directions (see {@code docs/CONTROL-PROTOCOL.md}):
 *
 * <pre>
 * byte 0    'J' (0x4A)
 * byte 1    message type (1 HELLO .. 14 CERTIFICATES)
 * byte 2-5  body length, unsigned big-endian, at most the type's limit ({@link #MAX_BODY} for
 *           SNAPSHOT, NACK, ERROR and REPLY, {@link #MAX_REPORT_BODY} for REPORT and CERTIFICATES,
 *           {@link #MAX_SMALL_BODY} for the others)
 * body      UTF-8: zero or more "key=value\n" header lines, one "\n", then the payload
 * </pre>
 *
 * Decoding is strict: unknown types and keys, repeated or missing keys, bad values, malformed
 * UTF-8 and oversized frames are {@link ProtocolException}s, never a half-read message.
 */
public final class Frames {

    public static final byte MAGIC = 'J';
    public static final int HEADER_BYTES = 6;
    /** Largest body of a SNAPSHOT, NACK or ERROR. */
    public static final int MAX_BODY = 1 << 20;
    /** Largest body of a REPORT. */
    public static final int MAX_REPORT_BODY = 64 * 1024;
    /** Most subsets one REPORT speaks of. */
    public static final int MAX_REPORT_LINES = 128;
    /** Largest body of every other message. */
    public static final int MAX_SMALL_BODY = 8 * 1024;
    /** The protocol version a HELLO names. */
    public static final String PROTOCOL = "1";

    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte SNAPSHOT = 3;
    static final byte ACK = 4;
    static final byte NACK = 5;
    static final byte PING = 6;
    static final byte PONG = 7;
    static final byte GOODBYE = 8;
    static final byte ERROR = 9;
    static final byte REPORT = 10;
    static final byte COMMAND = 11;
    static final byte REPLY = 12;
    static final byte CSR = 13;
    static final byte CERTIFICATES = 14;

    private static final int MAX_HEADER_LINES = 8;
    private static final int MAX_VALUE = 4096;
    private static final Pattern KEY = Pattern.compile("[a-z]{1,16}");
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7e]*");
    /** The mesh's service-name rule, as the agent's policy parser has it. */
    public static final Pattern WORKLOAD = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{0,64}");
    private static final Pattern PORT = Pattern.compile("0|[1-9][0-9]{0,4}");
    private static final int MAX_LABELS = 16;
    /** Kubernetes' rules for label names (without a prefix) and non-empty values. */
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = LABEL_NAME;
    private static final Pattern MILLIS = Pattern.compile("0|[1-9][0-9]{0,8}");
    /** A workload's SPIFFE ID as the mesh writes them: a trust domain and a path. */
    private static final Pattern SPIFFE_ID = Pattern.compile("spiffe://[a-z0-9.-]{1,255}(/[A-Za-z0-9._-]+)+");

    private Frames() {}

    // ---- encoding ---------------------------------------------------------------------------

    /** The whole frame of a message. */
    public static byte[] encode(Message message) {
        StringBuilder body = new StringBuilder();
        byte type;
        String payload = "";
        if (message instanceof Message.Hello h) {
            type = HELLO;
            header(body, "protocol", PROTOCOL);
            header(body, "workload", h.workload());
            header(body, "token", h.token());
            header(body, "version", h.version());
            header(body, "inbound", Integer.toString(h.inboundPort()));
            if (!h.labels().isEmpty()) {
                StringBuilder labels = new StringBuilder();
                h.labels().forEach((k, v) -> labels.append(labels.length() == 0 ? "" : ",").append(k).append('=').append(v));
                header(body, "labels", labels.toString());
            }
            if (!h.zone().isEmpty()) {
                header(body, "zone", h.zone());
            }
            if (!h.identity().isEmpty()) {
                header(body, "identity", h.identity());
            }
        } else if (message instanceof Message.Welcome w) {
            type = WELCOME;
            header(body, "server", w.server());
            header(body, "version", w.version());
            header(body, "report", Long.toString(w.reportMillis()));
        } else if (message instanceof Message.Snapshot s) {
            type = SNAPSHOT;
            header(body, "version", s.version());
            payload = s.yaml();
        } else if (message instanceof Message.Ack a) {
            type = ACK;
            header(body, "version", a.version());
        } else if (message instanceof Message.Nack n) {
            type = NACK;
            header(body, "version", n.version());
            payload = n.error();
        } else if (message instanceof Message.Ping) {
            type = PING;
        } else if (message instanceof Message.Pong) {
            type = PONG;
        } else if (message instanceof Message.Goodbye) {
            type = GOODBYE;
        } else if (message instanceof Message.Report r) {
            type = REPORT;
            payload = r.summaries();
        } else if (message instanceof Message.Command c) {
            type = COMMAND;
            header(body, "token", c.token());
            payload = c.command();
        } else if (message instanceof Message.Reply r) {
            type = REPLY;
            header(body, "ok", Boolean.toString(r.ok()));
            payload = r.text();
        } else if (message instanceof Message.Csr c) {
            type = CSR;
            payload = c.pem();
        } else if (message instanceof Message.Certificates c) {
            type = CERTIFICATES;
            header(body, "ok", Boolean.toString(c.ok()));
            header(body, "chain", Integer.toString(c.chain()));
            payload = c.text();
        } else {
            type = ERROR;
            payload = ((Message.Error) message).reason();
        }
        body.append('\n').append(payload);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBody(type)) {
            throw new IllegalArgumentException("message too large for one frame: " + bytes.length + " bytes (limit "
                    + maxBody(type) + ")");
        }
        byte[] frame = new byte[HEADER_BYTES + bytes.length];
        ByteBuffer.wrap(frame).put(MAGIC).put(type).putInt(bytes.length).put(bytes);
        return frame;
    }

    private static void header(StringBuilder body, String key, String value) {
        if (value.length() > MAX_VALUE || !VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("bad " + key + " value: printable ASCII without spaces, at most "
                    + MAX_VALUE + " characters");
        }
        body.append(key).append('=').append(value).append('\n');
    }

    // ---- decoding ---------------------------------------------------------------------------

    /** Checks a frame header; returns the body length. */
    static int checkHeader(byte magic, byte type, int length) throws ProtocolException {
        if (magic != MAGIC) {
            throw new ProtocolException("not a jmesh control frame (first byte 0x"
                    + Integer.toHexString(magic & 0xff) + ")");
        }
        if (type < HELLO || type > CERTIFICATES) {
            throw new ProtocolException("unknown message type " + (type & 0xff));
        }
        if (length < 0 || length > maxBody(type)) {
            throw new ProtocolException("frame too large: " + Integer.toUnsignedString(length) + " bytes (limit "
                    + maxBody(type) + ")");
        }
        return length;
    }

    static int maxBody(byte type) {
        return type == SNAPSHOT || type == NACK || type == ERROR || type == REPLY ? MAX_BODY
                : type == REPORT || type == CERTIFICATES ? MAX_REPORT_BODY : MAX_SMALL_BODY;
    }

    /** Decodes the body of a frame whose header was checked. */
    static Message decode(byte type, byte[] body, int length) throws ProtocolException {
        String text = utf8(body, length);
        int at = 0;
        Map<String, String> headers = new HashMap<>();
        while (true) {
            if (at >= text.length()) {
                throw new ProtocolException("header not terminated by an empty line");
            }
            if (text.charAt(at) == '\n') {
                at++;
                break;
            }
            int end = text.indexOf('\n', at);
            if (end < 0) {
                throw new ProtocolException("header not terminated by an empty line");
            }
            if (headers.size() == MAX_HEADER_LINES) {
                throw new ProtocolException("more than " + MAX_HEADER_LINES + " header lines");
            }
            String line = text.substring(at, end);
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new ProtocolException("malformed header line '" + clip(line) + "'");
            }
            String value = line.substring(eq + 1);
            if (value.length() > MAX_VALUE || !VALUE.matcher(value).matches()) {
                throw new ProtocolException("bad value for header '" + key + "'");
            }
            if (headers.put(key, value) != null) {
                throw new ProtocolException("repeated header '" + key + "'");
            }
            at = end + 1;
        }
        String payload = text.substring(at);
        return switch (type) {
            case HELLO -> {
                expect(headers, payload, "HELLO", Set.of("protocol", "workload"),
                        Set.of("token", "version", "inbound", "labels", "zone", "identity"), false);
                if (!PROTOCOL.equals(headers.get("protocol"))) {
                    throw new ProtocolException("unsupported protocol version '" + clip(headers.get("protocol"))
                            + "' (this server speaks " + PROTOCOL + ")");
                }
                String inbound = headers.getOrDefault("inbound", "0");
                if (!PORT.matcher(inbound).matches() || Integer.parseInt(inbound) > 65535) {
                    throw new ProtocolException("bad inbound port '" + clip(inbound) + "'");
                }
                String zone = headers.getOrDefault("zone", "");
                if (!zone.isEmpty() && !LABEL_VALUE.matcher(zone).matches()) {
                    throw new ProtocolException("bad zone '" + clip(zone) + "'");
                }
                String identity = headers.getOrDefault("identity", "");
                if (!identity.isEmpty() && !SPIFFE_ID.matcher(identity).matches()) {
                    throw new ProtocolException("bad identity '" + clip(identity) + "'");
                }
                yield new Message.Hello(workload(headers.get("workload")), headers.getOrDefault("token", ""),
                        version(headers.getOrDefault("version", "")), Integer.parseInt(inbound),
                        labels(headers.getOrDefault("labels", "")), zone, identity);
            }
            case WELCOME -> {
                expect(headers, payload, "WELCOME", Set.of("server", "version"), Set.of("report"), false);
                String report = headers.getOrDefault("report", "0");
                if (!MILLIS.matcher(report).matches()) {
                    throw new ProtocolException("bad report interval '" + clip(report) + "'");
                }
                yield new Message.Welcome(headers.get("server"), version(headers.get("version")), Long.parseLong(report));
            }
            case SNAPSHOT -> {
                expect(headers, payload, "SNAPSHOT", Set.of("version"), Set.of(), true);
                String version = version(headers.get("version"));
                if (version.isEmpty()) {
                    throw new ProtocolException("SNAPSHOT without a version");
                }
                yield new Message.Snapshot(version, payload);
            }
            case ACK -> {
                expect(headers, payload, "ACK", Set.of("version"), Set.of(), false);
                yield new Message.Ack(version(headers.get("version")));
            }
            case NACK -> {
                expect(headers, payload, "NACK", Set.of("version"), Set.of(), true);
                yield new Message.Nack(version(headers.get("version")), payload);
            }
            case PING -> {
                expect(headers, payload, "PING", Set.of(), Set.of(), false);
                yield new Message.Ping();
            }
            case PONG -> {
                expect(headers, payload, "PONG", Set.of(), Set.of(), false);
                yield new Message.Pong();
            }
            case GOODBYE -> {
                expect(headers, payload, "GOODBYE", Set.of(), Set.of(), false);
                yield new Message.Goodbye();
            }
            case ERROR -> {
                expect(headers, payload, "ERROR", Set.of(), Set.of(), true);
                yield new Message.Error(payload);
            }
            case REPORT -> {
                expect(headers, payload, "REPORT", Set.of(), Set.of(), true);
                yield new Message.Report(payload);
            }
            case COMMAND -> {
                expect(headers, payload, "COMMAND", Set.of(), Set.of("token"), true);
                yield new Message.Command(headers.getOrDefault("token", ""), payload);
            }
            case REPLY -> {
                expect(headers, payload, "REPLY", Set.of("ok"), Set.of(), true);
                yield new Message.Reply(bool(headers.get("ok")), payload);
            }
            case CSR -> {
                expect(headers, payload, "CSR", Set.of(), Set.of(), true);
                yield new Message.Csr(payload);
            }
            case CERTIFICATES -> {
                expect(headers, payload, "CERTIFICATES", Set.of("ok", "chain"), Set.of(), true);
                String chain = headers.get("chain");
                if (!PORT.matcher(chain).matches() || Integer.parseInt(chain) > 16) {
                    throw new ProtocolException("bad chain length '" + clip(chain) + "'");
                }
                yield new Message.Certificates(bool(headers.get("ok")), Integer.parseInt(chain), payload);
            }
            default -> throw new ProtocolException("unknown message type " + (type & 0xff));
        };
    }

    private static void expect(Map<String, String> headers, String payload, String what, Set<String> required,
                               Set<String> optional, boolean payloadAllowed) throws ProtocolException {
        for (String key : headers.keySet()) {
            if (!required.contains(key) && !optional.contains(key)) {
                throw new ProtocolException("unknown header '" + key + "' in " + what);
            }
        }
        for (String key : required) {
            if (!headers.containsKey(key)) {
                throw new ProtocolException(what + " without '" + key + "'");
            }
        }
        if (!payloadAllowed && !payload.isEmpty()) {
            throw new ProtocolException(what + " carries no payload");
        }
    }

    private static boolean bool(String value) throws ProtocolException {
        if (!value.equals("true") && !value.equals("false")) {
            throw new ProtocolException("bad ok '" + clip(value) + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static String workload(String value) throws ProtocolException {
        if (!WORKLOAD.matcher(value).matches()) {
            throw new ProtocolException("bad workload name '" + clip(value) + "'");
        }
        return value;
    }

    /** {@code name=value,...}: Kubernetes' label rules for each, at most {@link #MAX_LABELS}. */
    private static Map<String, String> labels(String value) throws ProtocolException {
        Map<String, String> labels = new TreeMap<>();
        if (value.isEmpty()) {
            return labels;
        }
        String[] pairs = value.split(",", -1);
        if (pairs.length > MAX_LABELS) {
            throw new ProtocolException("more than " + MAX_LABELS + " labels");
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String label = eq < 0 ? "" : pair.substring(eq + 1);
            if (!LABEL_NAME.matcher(name).matches() || !LABEL_VALUE.matcher(label).matches()
                    || labels.put(name, label) != null) {
                throw new ProtocolException("bad label '" + clip(pair) + "'");
            }
        }
        return labels;
    }

    private static String version(String value) throws ProtocolException {
        if (!VERSION.matcher(value).matches()) {
            throw new ProtocolException("bad version '" + clip(value) + "'");
        }
        return value;
    }

    private static String utf8(byte[] body, int length) throws ProtocolException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(body, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("body is not valid UTF-8");
        }
    }

    private static String clip(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder safe = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }
}

package dev.jmesh.policy;

import java.util.Locale;

/**
 * Pure-syntax checks of host names, IP literals and {@code host:port} strings.
 * Nothing here touches the network: a policy file must validate the same way offline.
 */
final class Addresses {

    static final int MAX_HOST_NAME = 253;
    private static final int MAX_LABEL = 63;

    private Addresses() {}

    /** Outcome of {@link #parseEndpoint}: either {@code error} is null, or host and port are unset. */
    record ParsedAddress(String host, int port, String error) {
        static ParsedAddress failed(String text, String reason) {
            return new ParsedAddress(null, 0, "bad endpoint address '" + text + "': " + reason);
        }
    }

    /** Parses {@code host:port} or {@code [ipv6]:port}; the returned host has no brackets. */
    static ParsedAddress parseEndpoint(String text) {
        if (text.isBlank()) {
            return new ParsedAddress(null, 0, "empty endpoint address");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return ParsedAddress.failed(text, "missing ']' after IPv6 address");
            }
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return ParsedAddress.failed(text, "expected [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (ipv6Groups(host) == null) {
                return ParsedAddress.failed(text, "invalid IPv6 address '" + host + "'");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return ParsedAddress.failed(text, "expected host:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                return ParsedAddress.failed(text, "IPv6 addresses must be in brackets, e.g. [::1]:8080");
            }
            if (host.isEmpty()) {
                return ParsedAddress.failed(text, "missing host before ':'");
            }
            String hostError = hostError(host);
            if (hostError != null) {
                return ParsedAddress.failed(text, hostError);
            }
        }
        if (port.isEmpty()) {
            return ParsedAddress.failed(text, "expected host:port");
        }
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return ParsedAddress.failed(text, "port '" + port + "' is not a number");
        }
        long value = port.length() > 6 ? Long.MAX_VALUE : Long.parseLong(port);
        if (value < 1 || value > 65535) {
            return ParsedAddress.failed(text, "port " + port + " out of range (expected 1..65535)");
        }
        return new ParsedAddress(host, (int) value, null);
    }

    /** Why {@code host} is not an IPv4 literal or DNS name, or null if it is one. */
    private static String hostError(String host) {
        // All digits and dots can only mean IPv4; "300.1.1.1" must not pass as a host name.
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return isIpv4(host) ? null : "invalid IPv4 address '" + host + "'";
        }
        return isDnsName(host) ? null : "invalid host name '" + host + "'";
    }

    /** For {@code admin.bind}: an IPv4 or (unbracketed) IPv6 literal, or {@code localhost}. */
    static boolean isBindAddress(String text) {
        return text.equals("localhost") || isIpv4(text) || ipv6Groups(text) != null;
    }

    /** Dotted quad, each octet 0..255 written with 1 to 3 digits. */
    static boolean isIpv4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3
                    || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
    static boolean isDnsName(String text) {
        if (text.isEmpty() || text.length() > MAX_HOST_NAME) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL
                    || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(Addresses::isLabelChar)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLabelChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    /**
     * The eight 16-bit groups of an IPv6 literal (RFC 4291 text form, optionally ending in a
     * dotted quad), or null if {@code text} is not one. Zone ids ({@code %eth0}) are rejected.
     * Hand-written rather than {@code InetAddress.getByName}, which falls back to DNS for
     * anything it does not recognise as a literal.
     */
    static int[] ipv6Groups(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null; // at most one "::", and ":::" is invalid
        }
        int[] head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int explicit = head.length + tail.length;
        if (gap < 0 ? explicit != 8 : explicit > 7) {
            return null;
        }
        int[] all = new int[8]; // "::" stands for the zero groups in between
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        return all;
    }

    /** Colon-separated hex groups; a trailing dotted quad counts as two groups if allowed. */
    private static int[] groups(String part, boolean mayEndInIpv4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        String last = pieces[pieces.length - 1];
        boolean ipv4Tail = last.indexOf('.') >= 0;
        if (ipv4Tail && (!mayEndInIpv4 || !isIpv4(last))) {
            return null;
        }
        int hexCount = ipv4Tail ? pieces.length - 1 : pieces.length;
        int[] groups = new int[ipv4Tail ? hexCount + 2 : hexCount];
        for (int i = 0; i < hexCount; i++) {
            String piece = pieces[i];
            if (piece.isEmpty() || piece.length() > 4 || !piece.chars().allMatch(Addresses::isHexDigit)) {
                return null;
            }
            groups[i] = Integer.parseInt(piece, 16);
        }
        if (ipv4Tail) {
            String[] octets = last.split("\\.");
            groups[hexCount] = Integer.parseInt(octets[0]) << 8 | Integer.parseInt(octets[1]);
            groups[hexCount + 1] = Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3]);
        }
        return groups;
    }

    private static boolean isHexDigit(int c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }

    /**
     * A form of {@code host} in which equal addresses are equal strings, for duplicate detection:
     * DNS names are case-insensitive and IPv6 has many spellings ({@code ::1} = {@code 0:0::1}).
     */
    static String canonicalHost(String host) {
        int[] groups = host.indexOf(':') >= 0 ? ipv6Groups(host) : null;
        if (groups == null) {
            return host.toLowerCase(Locale.ROOT);
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < groups.length; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        return sb.append(']').toString();
    }
}

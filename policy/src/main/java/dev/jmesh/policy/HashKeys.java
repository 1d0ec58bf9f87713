package dev.jmesh.policy;

import java.util.Locale;

/** Syntax of {@code hashKey}: {@code header:NAME}, {@code path}, {@code query:NAME} or {@code source-ip}. */
final class HashKeys {

    static final String FORMS = "header:NAME, path or query:NAME";
    static final String TCP_FORMS = "source-ip";
    // RFC 9110 tchar, besides letters and digits.
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HashKeys() {}

    /** Outcome of {@link #parse}: exactly one of {@code value} and {@code error} is null. */
    record Parsed(HashKey value, String error) {
        private static Parsed failed(String text, String reason) {
            return new Parsed(null, "bad hashKey '" + text + "': " + reason);
        }
    }

    static Parsed parse(String text) {
        int colon = text.indexOf(':');
        String source = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? null : text.substring(colon + 1);
        switch (source) {
            case "path":
                return name == null
                        ? new Parsed(new HashKey(HashKey.Source.PATH, null), null)
                        : Parsed.failed(text, "path takes no name, write just 'path'");
            case "source-ip":
                return name == null
                        ? new Parsed(new HashKey(HashKey.Source.SOURCE_IP, null), null)
                        : Parsed.failed(text, "source-ip takes no name, write just 'source-ip'");
            case "header":
                if (name == null || name.isEmpty()) {
                    return Parsed.failed(text, "missing header name, write header:NAME");
                }
                if (!isToken(name)) {
                    return Parsed.failed(text, "'" + name + "' is not a valid header name (use letters, digits"
                            + " and " + TOKEN_SYMBOLS + ")");
                }
                // Header names are case-insensitive; one spelling lets the router compare cheaply.
                return new Parsed(new HashKey(HashKey.Source.HEADER, name.toLowerCase(Locale.ROOT)), null);
            case "query":
                if (name == null || name.isEmpty()) {
                    return Parsed.failed(text, "missing parameter name, write query:NAME");
                }
                // These can never be part of a parameter name as it appears in a query string.
                if (name.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '&' || c == '=' || c == '#')) {
                    return Parsed.failed(text, "parameter name '" + name
                            + "' must not contain spaces, control characters, '&', '=' or '#'");
                }
                return new Parsed(new HashKey(HashKey.Source.QUERY, name), null);
            default:
                return Parsed.failed(text, "expected " + FORMS + " (http) or " + TCP_FORMS + " (tcp)");
        }
    }

    static boolean isToken(String text) {
        return !text.isEmpty() && text.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || TOKEN_SYMBOLS.indexOf(c) >= 0);
    }
}

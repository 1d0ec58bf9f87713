package dev.jmesh.agent.authz;

/**
 * The path that rules match and the application is given, the same one: RFC 3986's
 * normalization as Envoy applies it for Istio (dot segments removed, percent-encoded unreserved
 * characters decoded), so {@code /public/../admin} is matched, and served, as {@code /admin}.
 * An encoded slash or backslash, or a NUL, is refused: whether {@code /a%2Fb} is one segment or
 * two is up to the application, and a rule must not guess.
 */
public final class RequestPaths {

    private RequestPaths() {}

    /**
     * @param target the request line's target (origin form, or absolute form whose path is taken)
     * @return the normalized path and what followed it (query), or null when the target is refused
     */
    public static Normalized normalize(String target) {
        if (target.equals("*")) {
            return new Normalized("*", "");
        }
        String path = target;
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme < 0) {
                return null;
            }
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = indexOfAny(path, '?', '#');
        String rest = query < 0 ? "" : path.substring(query);
        path = query < 0 ? path : path.substring(0, query);
        String decoded = decodeUnreserved(path);
        return decoded == null ? null : new Normalized(removeDotSegments(decoded), rest);
    }

    /** @param path the normalized path; @param rest the query (with its '?'), or empty */
    public record Normalized(String path, String rest) {
        public String target() {
            return path + rest;
        }
    }

    private static int indexOfAny(String text, char a, char b) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == a || text.charAt(i) == b) {
                return i;
            }
        }
        return -1;
    }

    private static String decodeUnreserved(String path) {
        if (path.indexOf('\\') >= 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= path.length()) {
                return null;
            }
            int value = hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2));
            if (value < 0 || value == 0 || value == '/' || value == '\\') {
                return null;
            }
            if (unreserved((char) value)) {
                out.append((char) value);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1))).append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static int hex(char c) {
        int digit = Character.digit(c, 16);
        return digit < 0 ? -1_000 : digit;
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.4, on a path that starts with '/'. */
    private static String removeDotSegments(String path) {
        StringBuilder out = new StringBuilder(path.length());
        int i = 0;
        while (i < path.length()) {
            int next = path.indexOf('/', i + 1);
            String segment = path.substring(i + 1, next < 0 ? path.length() : next);
            boolean last = next < 0;
            if (segment.equals(".")) {
                if (last) {
                    out.append('/');
                }
            } else if (segment.equals("..")) {
                int cut = out.lastIndexOf("/");
                out.setLength(Math.max(cut, 0));
                if (last) {
                    out.append('/');
                }
            } else {
                out.append('/').append(segment);
            }
            if (last) {
                break;
            }
            i = next;
        }
        return out.length() == 0 ? "/" : out.toString();
    }
}

package dev.jmesh.policy;

/**
 * The shapes of text the policy readers accept, checked by hand: this runs in premain, where
 * loading and compiling regular expressions would cost the application's start milliseconds.
 */
enum Shapes {

    /** {@code -?(0|[1-9][0-9]*)} */
    DECIMAL,
    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?} */
    FRACTIONAL,
    /** {@code true|false} */
    BOOLEAN,
    /** {@code [a-z0-9]([-a-z0-9.]*[a-z0-9])?}: service names, namespaces */
    NAME,
    /** {@code [a-zA-Z]+} */
    WORD;

    boolean matches(String text) {
        switch (this) {
            case DECIMAL:
                return decimal(text, false);
            case FRACTIONAL:
                return decimal(text, true);
            case BOOLEAN:
                return text.equals("true") || text.equals("false");
            case NAME:
                return name(text);
            default:
                return word(text);
        }
    }

    private static boolean decimal(String text, boolean fraction) {
        int i = text.startsWith("-") ? 1 : 0;
        int digits = digits(text, i);
        if (digits == 0 || (digits > 1 && text.charAt(i) == '0')) {
            return false;
        }
        i += digits;
        if (fraction && i < text.length() && text.charAt(i) == '.') {
            int decimals = digits(text, i + 1);
            i += decimals == 0 ? 0 : 1 + decimals;
        }
        return i == text.length();
    }

    /** How many ASCII digits start at {@code from}. */
    static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private static boolean name(String text) {
        if (text.isEmpty() || !alphanumeric(text.charAt(0)) || !alphanumeric(text.charAt(text.length() - 1))) {
            return false;
        }
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (!alphanumeric(c) && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean word(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }
}

package dev.jmesh.policy;

import org.yaml.snakeyaml.nodes.Tag;

/**
 * The YAML 1.1 type SnakeYAML's resolver gives a plain scalar, decided without its regular
 * expressions for the values policies hold: names, durations, addresses, decimal numbers,
 * booleans, null. {@code null} when in doubt (octal, underscores, exponents, times, dates):
 * then SnakeYAML reads the document.
 *
 * <p>SnakeYAML picks the expressions to try by a scalar's first character: booleans and null by
 * {@code yYnNtTfFoO~}, numbers and times by {@code -+0-9.}, merge by {@code <}. A scalar starting
 * with anything else is a string whatever follows.
 */
final class PlainScalars {

    /** Every character a YAML 1.1 number, time or date can contain. */
    private static final String NUMERIC = "0123456789+-._: abcdefABCDEFxiInNtTzZ";

    private PlainScalars() {}

    static Tag tag(String value) {
        switch (value) {
            case "~", "null", "Null", "NULL":
                return Tag.NULL;
            case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                    "on", "On", "ON", "off", "Off", "OFF":
                return Tag.BOOL;
            case "<<":
                return Tag.MERGE;
            default:
                break;
        }
        if (value.isEmpty() || "-+0123456789.".indexOf(value.charAt(0)) < 0) {
            return value.isEmpty() ? Tag.NULL : Tag.STR;
        }
        if (isDecimal(value, false)) {
            return Tag.INT;
        }
        int dot = value.indexOf('.');
        if (dot > 0 && isDecimal(value.substring(0, dot), true) && isDigits(value, dot + 1)) {
            return Tag.FLOAT; // 0.2, 12.50: no integer form has a dot, and a float is tried before a time
        }
        int dots = 0;
        boolean digitsDotsColons = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (NUMERIC.indexOf(c) < 0) {
                return Tag.STR; // 500ms, 2s: a character no number, time or date has
            }
            dots += c == '.' ? 1 : 0;
            digitsDotsColons &= (c >= '0' && c <= '9') || c == '.' || c == ':';
        }
        // 10.0.1.5:8080: numbers have one dot at most, and a date needs a '-'
        return digitsDotsColons && dots >= 2 ? Tag.STR : null;
    }

    /** {@code [-+]?(0|[1-9][0-9]*)}; with {@code leadingZeros}, {@code [-+]?[0-9]+}. */
    private static boolean isDecimal(String value, boolean leadingZeros) {
        int start = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
        if (start == value.length() || !isDigits(value, start)) {
            return false;
        }
        return leadingZeros || value.charAt(start) != '0' || value.length() == start + 1;
    }

    private static boolean isDigits(String value, int from) {
        if (from >= value.length()) {
            return false;
        }
        for (int i = from; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}

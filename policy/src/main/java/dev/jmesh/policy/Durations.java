package dev.jmesh.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Policy-file durations: a decimal number and a unit, {@code ms}, {@code s}, {@code m} or
 * {@code h}, e.g. {@code 500ms}, {@code 1.5s}. Kept to millisecond precision and at most 24h.
 */
public final class Durations {

    static final Duration MAX = Duration.ofHours(24);
    static final String UNITS = "ms, s, m or h";

    // One number, one unit: "1h30m" is not accepted, "90m" says the same thing.
    private static final Map<String, Long> MILLIS_PER_UNIT =
            Map.of("ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L);
    // 24h is 86,400,000 ms: 8 digits. A longer integer part is too long in any unit.
    private static final int MAX_INTEGER_DIGITS = 8;
    // An hour is 2^7 * 3^2 * 5^5 ms, so more fraction digits than this can never be whole ms.
    private static final int MAX_FRACTION_DIGITS = 9;

    private Durations() {}

    /** Outcome of {@link #parse}: exactly one of {@code value} and {@code error} is null. */
    record Parsed(Duration value, String error) {
        private static Parsed failed(String text, String reason) {
            return new Parsed(null, "bad duration '" + text + "': " + reason);
        }
    }

    private static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    static Parsed parse(String text) {
        if (text.isEmpty()) {
            return Parsed.failed(text, "expected a number and a unit, e.g. 500ms, 2s");
        }
        if (hasWhitespace(text)) {
            return Parsed.failed(text, "no spaces allowed, write e.g. 500ms, 2s");
        }
        if (text.startsWith("-")) {
            return Parsed.failed(text, "must not be negative");
        }
        // digits, then optionally '.' and digits, then the unit
        int integerDigits = Shapes.digits(text, 0);
        if (integerDigits == 0) {
            return Parsed.failed(text, "expected a number and a unit (" + UNITS + "), e.g. 500ms, 2s");
        }
        int fractionDigits = integerDigits < text.length() && text.charAt(integerDigits) == '.'
                ? Shapes.digits(text, integerDigits + 1) : 0;
        int unitStart = fractionDigits == 0 ? integerDigits : integerDigits + 1 + fractionDigits;
        String unit = text.substring(unitStart);
        if (unit.isEmpty()) {
            return Parsed.failed(text, "no unit (add a unit: 500ms, 2s)");
        }
        Long unitMillis = MILLIS_PER_UNIT.get(unit);
        if (unitMillis == null) {
            return Shapes.WORD.matches(unit)
                    ? Parsed.failed(text, "unknown unit '" + unit + "' (expected " + UNITS + ")")
                    : Parsed.failed(text, "expected one number and one unit (" + UNITS + "), e.g. 500ms, 2s");
        }
        // Trim before BigDecimal so a megabyte of digits costs nothing; the value is unchanged.
        String integer = stripLeading(text.substring(0, integerDigits));
        String fraction = fractionDigits == 0 ? "" : stripTrailing(text.substring(integerDigits + 1, unitStart));
        if (integer.length() > MAX_INTEGER_DIGITS) {
            return Parsed.failed(text, "longer than " + format(MAX));
        }
        if (fraction.length() > MAX_FRACTION_DIGITS) {
            return Parsed.failed(text, "finer than a millisecond");
        }
        BigDecimal millis = new BigDecimal((integer.isEmpty() ? "0" : integer)
                + (fraction.isEmpty() ? "" : "." + fraction)).multiply(BigDecimal.valueOf(unitMillis));
        if (millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
            return Parsed.failed(text, "longer than " + format(MAX));
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            return Parsed.failed(text, "finer than a millisecond");
        }
        return new Parsed(Duration.ofMillis(millis.longValueExact()), null);
    }

    /** As a policy file would say it, for messages: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0 || ms % 1_000 != 0 && ms < 1_000) {
            return ms + "ms";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
    }

    private static String stripLeading(String digits) {
        int i = 0;
        while (i < digits.length() && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static String stripTrailing(String digits) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}

package dev.jmesh.policy;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * One field of an authorization rule, as Istio writes it: {@code values} (any of them, if any
 * are given) and {@code notValues} (none of them). A pattern is exact, {@code prefix*},
 * {@code *suffix}, or {@code *} for any non-empty value. A request without the attribute
 * (a plaintext caller's principal, a request without a token) matches no pattern, so it fails
 * {@code values} and passes {@code notValues}: {@code notPrincipals: ["*"]} is how a rule says
 * "callers that did not authenticate".
 *
 * @param ignoreCase true for host names
 */
public record ValueMatch(List<String> values, List<String> notValues, boolean ignoreCase) {

    /** A field the rule does not set. */
    public static final ValueMatch ANY = new ValueMatch(List.of(), List.of(), false);

    public ValueMatch {
        values = List.copyOf(values);
        notValues = List.copyOf(notValues);
    }

    public boolean isAny() {
        return values.isEmpty() && notValues.isEmpty();
    }

    /** @param value the request's attribute, or {@code null} when it has none */
    public boolean matches(String value) {
        return (values.isEmpty() || matchesOne(values, value)) && !matchesOne(notValues, value);
    }

    /** For attributes with several values (a token's audiences, a list claim): any of them counts. */
    public boolean matchesAnyOf(Collection<String> attribute) {
        if (attribute.isEmpty()) {
            return matches(null);
        }
        boolean in = values.isEmpty();
        for (String value : attribute) {
            if (matchesOne(notValues, value)) {
                return false;
            }
            in |= !values.isEmpty() && matchesOne(values, value);
        }
        return in;
    }

    private boolean matchesOne(List<String> patterns, String value) {
        if (value == null) {
            return false;
        }
        for (String pattern : patterns) {
            if (matches(pattern, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(String pattern, String value) {
        if (ignoreCase) {
            pattern = pattern.toLowerCase(Locale.ROOT);
            value = value.toLowerCase(Locale.ROOT);
        }
        if (pattern.equals("*")) {
            return !value.isEmpty();
        }
        if (pattern.endsWith("*")) {
            return value.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        if (pattern.startsWith("*")) {
            return value.endsWith(pattern.substring(1));
        }
        return value.equals(pattern);
    }
}

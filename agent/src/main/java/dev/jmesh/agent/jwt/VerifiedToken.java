package dev.jmesh.agent.jwt;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A token whose signature, issuer, audience and times were checked: what authorization rules
 * read of it (Istio's {@code request.auth.*}).
 */
public record VerifiedToken(Map<String, Object> claims, boolean forwardToApplication) {

    public VerifiedToken {
        claims = Map.copyOf(claims);
    }

    /** {@code iss/sub}, Istio's request principal. */
    public String principal() {
        return claims.get("iss") + "/" + (claims.get("sub") instanceof String sub ? sub : "");
    }

    /** {@code aud}, one string or a list. */
    public List<String> audiences() {
        return claim(List.of("aud"));
    }

    /** {@code azp}, or null. */
    public String presenter() {
        List<String> azp = claim(List.of("azp"));
        return azp.isEmpty() ? null : azp.get(0);
    }

    /**
     * The claim at {@code path} (nested objects, e.g. {@code [realm, roles]}) as strings: a string,
     * each string of a list, a number or boolean written out; empty when absent or an object.
     */
    public List<String> claim(List<String> path) {
        Object value = claims;
        for (String name : path) {
            if (!(value instanceof Map<?, ?> object)) {
                return List.of();
            }
            value = object.get(name);
        }
        List<String> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                scalar(item, values);
            }
        } else {
            scalar(value, values);
        }
        return values;
    }

    private static void scalar(Object value, List<String> into) {
        if (value instanceof String s) {
            into.add(s);
        } else if (value instanceof BigDecimal number) {
            into.add(number.toPlainString());
        } else if (value instanceof Boolean bool) {
            into.add(bool.toString());
        }
    }
}

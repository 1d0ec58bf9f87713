package dev.jmesh.agent.jwt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The claims of a token made by {@code jwt sign}. */
public final class TokenClaims {

    private TokenClaims() {}

    /**
     * @param subject   {@code sub}, or null
     * @param audiences {@code aud}, or null
     * @param extra     a JSON object of further members, or null
     */
    public static Map<String, Object> of(String issuer, String subject, String[] audiences, long expiresAt,
                                         String extra) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        if (subject != null) {
            claims.put("sub", subject);
        }
        if (audiences != null) {
            claims.put("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
        }
        claims.put("iat", Math.min(expiresAt, System.currentTimeMillis() / 1000));
        claims.put("exp", expiresAt);
        if (extra != null) {
            for (Map.Entry<String, Object> member : Json.object(extra).entrySet()) {
                claims.putIfAbsent(member.getKey(), member.getValue());
            }
        }
        return claims;
    }
}

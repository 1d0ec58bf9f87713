package dev.jmesh.agent.jwt;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.JwtRule;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Istio's RequestAuthentication for the inbound port: a request without a bearer token passes
 * unauthenticated (authorization rules decide what it may do); a token is checked against the
 * rule of its issuer (signature with the issuer's keys, {@code exp} and {@code nbf} with Envoy's
 * 60 s of clock skew, {@code aud}); any failure, an issuer without a rule included, is a 401.
 */
public final class TokenValidator {

    /** Envoy's default allowance for clocks that disagree. */
    static final long CLOCK_SKEW_SECONDS = 60;
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final Map<String, Issuer> issuers;
    private final LongSupplier epochSeconds;

    private record Issuer(JwtRule rule, JwksFile keys) {}

    /** What a request's {@code Authorization} said. */
    public sealed interface Outcome {}

    /** No bearer token: the request goes on without a request principal. */
    public record NoToken() implements Outcome {}

    public record Valid(VerifiedToken token) implements Outcome {}

    /** @param reason what is wrong, as Envoy words it, for the 401's body and the log */
    public record Invalid(String reason) implements Outcome {}

    private static final NoToken NO_TOKEN = new NoToken();

    private TokenValidator(Map<String, Issuer> issuers, LongSupplier epochSeconds) {
        this.issuers = issuers;
        this.epochSeconds = epochSeconds;
    }

    /**
     * @param clock        where the key files are looked at again, every second
     * @param epochSeconds the wall clock that {@code exp} and {@code nbf} are compared with
     */
    public static TokenValidator of(List<JwtRule> rules, MeshClock clock, LongSupplier epochSeconds) {
        Map<String, Issuer> issuers = new LinkedHashMap<>();
        for (JwtRule rule : rules) {
            issuers.put(rule.issuer(), new Issuer(rule, new JwksFile(rule.jwksFile())));
        }
        if (!issuers.isEmpty()) {
            clock.scheduleAtFixedRate(() -> issuers.values().forEach(issuer -> issuer.keys().refresh()), REFRESH_NANOS);
        }
        return new TokenValidator(Map.copyOf(issuers), epochSeconds);
    }

    public boolean isEmpty() {
        return issuers.isEmpty();
    }

    @Override
    public String toString() {
        return "issuers " + issuers.keySet();
    }

    /** @param authorization the request's {@code Authorization} header, or {@code null} */
    public Outcome validate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return NO_TOKEN; // another scheme (Basic) is the application's business
        }
        String token = authorization.substring(7).trim();
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            return new Invalid("Jwt is not in the form of Header.Payload.Signature");
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        byte[] signature;
        try {
            header = Json.object(decode(token.substring(0, firstDot)));
            claims = Json.object(decode(token.substring(firstDot + 1, secondDot)));
            signature = Base64.getUrlDecoder().decode(token.substring(secondDot + 1));
        } catch (IllegalArgumentException e) {
            return new Invalid("Jwt is not in the form of Header.Payload.Signature");
        }
        if (!(claims.get("iss") instanceof String iss)) {
            return new Invalid("Jwt issuer is not configured");
        }
        Issuer issuer = issuers.get(iss);
        if (issuer == null) {
            return new Invalid("Jwt issuer is not configured");
        }
        String problem = verifySignature(issuer, header, token.substring(0, secondDot), signature);
        if (problem == null) {
            problem = checkTimes(claims);
        }
        if (problem != null) {
            return new Invalid(problem);
        }
        VerifiedToken verified = new VerifiedToken(claims, issuer.rule().forwardOriginalToken());
        if (!issuer.rule().audiences().isEmpty()
                && verified.audiences().stream().noneMatch(issuer.rule().audiences()::contains)) {
            return new Invalid("Audiences in Jwt are not allowed");
        }
        return new Valid(verified);
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    /** @return null when one of the issuer's keys for the header's {@code alg} (and {@code kid}) signed it */
    private static String verifySignature(Issuer issuer, Map<String, Object> header, String signed, byte[] signature) {
        JwsAlgorithm algorithm;
        try {
            algorithm = JwsAlgorithm.valueOf(String.valueOf(header.get("alg")));
        } catch (IllegalArgumentException e) {
            return "Jwt algorithm is not supported (RS256 or ES256)"; // "none" included
        }
        Jwks keys = issuer.keys().keys();
        if (keys == null) {
            return "Jwks is not available for the issuer";
        }
        Object kid = header.get("kid");
        boolean candidate = false;
        for (Jwks.Key key : keys.keys()) {
            if (key.algorithm() != algorithm || (kid != null && key.kid() != null && !key.kid().equals(kid))) {
                continue;
            }
            candidate = true;
            try {
                Signature verifier = Signature.getInstance(algorithm.jdkName());
                verifier.initVerify(key.publicKey());
                verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
                if (verifier.verify(signature)) {
                    return null;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature for this key: try the next one
            }
        }
        return candidate ? "Jwt verification fails" : "Jwks doesn't have key to match kid or alg from Jwt";
    }

    private String checkTimes(Map<String, Object> claims) {
        long now = epochSeconds.getAsLong();
        Object exp = claims.get("exp");
        Object nbf = claims.get("nbf");
        if ((exp != null && !(exp instanceof BigDecimal)) || (nbf != null && !(nbf instanceof BigDecimal))) {
            return "Jwt has an exp or nbf that is not a number";
        }
        if (exp != null && now > ((BigDecimal) exp).longValue() + CLOCK_SKEW_SECONDS) {
            return "Jwt is expired";
        }
        if (nbf != null && now + CLOCK_SKEW_SECONDS < ((BigDecimal) nbf).longValue()) {
            return "Jwt not yet valid";
        }
        return null;
    }
}

package dev.jmesh.agent.jwt;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A JSON Web Key Set (RFC 7517) reduced to what verifies RS256 (RSA keys) and ES256 (EC keys on
 * P-256) signatures. Keys of other types, curves or uses are left out and named in
 * {@link #skipped()}, so a key set written for more than the mesh verifies still loads.
 */
record Jwks(List<Key> keys, List<String> skipped) {

    /** One verification key. @param kid its {@code kid}, or {@code null} */
    record Key(String kid, JwsAlgorithm algorithm, PublicKey publicKey) {}

    Jwks {
        keys = List.copyOf(keys);
        skipped = List.copyOf(skipped);
    }

    /** @throws IllegalArgumentException when the text is not a key set with at least one usable key */
    static Jwks parse(String text) {
        Object keys = Json.object(text).get("keys");
        if (!(keys instanceof List<?> list)) {
            throw new IllegalArgumentException("a key set needs a \"keys\" array");
        }
        List<Key> usable = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> jwk)) {
                throw new IllegalArgumentException("a key must be a JSON object");
            }
            String kid = text(jwk, "kid", false);
            String use = text(jwk, "use", false);
            String kty = text(jwk, "kty", true);
            String described = "key " + (kid == null ? "#" + (usable.size() + skipped.size()) : "'" + kid + "'");
            if (use != null && !use.equals("sig")) {
                skipped.add(described + ": use " + use);
                continue;
            }
            try {
                switch (kty) {
                    case "RSA" -> usable.add(new Key(kid, JwsAlgorithm.RS256, KeyFactory.getInstance("RSA").generatePublic(
                            new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")))));
                    case "EC" -> {
                        String curve = text(jwk, "crv", true);
                        if (!curve.equals("P-256")) {
                            skipped.add(described + ": curve " + curve);
                            continue;
                        }
                        usable.add(new Key(kid, JwsAlgorithm.ES256, KeyFactory.getInstance("EC").generatePublic(
                                new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), p256()))));
                    }
                    default -> skipped.add(described + ": key type " + kty);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(described + ": " + e.getMessage(), e);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no RS256 or ES256 key" + (skipped.isEmpty() ? "" : " (" + String.join(", ", skipped) + ")"));
        }
        return new Jwks(usable, skipped);
    }

    private static String text(Map<?, ?> jwk, String member, boolean required) {
        Object value = jwk.get(member);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("a key's \"" + member + "\" must be a string");
        }
        return s;
    }

    private static BigInteger unsigned(Map<?, ?> jwk, String member) {
        try {
            return new BigInteger(1, Base64.getUrlDecoder().decode(text(jwk, member, true)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a key's \"" + member + "\" is not base64url: " + e.getMessage());
        }
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }
}

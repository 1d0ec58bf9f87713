package dev.jmesh.agent.jwt;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A token issuer's key, for {@code jmesh-agent.jar jwt}: trying authorization rules needs tokens,
 * and an identity provider is not always at hand. Signs RS256 (RSA 2048) or ES256 (P-256).
 *
 * @param kid the key's id, written in the key set and in each token's header; null for none
 */
public record SigningKey(JwsAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey, String kid) {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** @param algorithm {@code RS256} or {@code ES256} */
    public static SigningKey generate(String algorithm, String kid) throws GeneralSecurityException {
        JwsAlgorithm alg = algorithm(algorithm);
        KeyPairGenerator generator = KeyPairGenerator.getInstance(alg == JwsAlgorithm.RS256 ? "RSA" : "EC");
        if (alg == JwsAlgorithm.RS256) {
            generator.initialize(2048);
        } else {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        KeyPair pair = generator.generateKeyPair();
        return new SigningKey(alg, pair.getPrivate(), pair.getPublic(), kid);
    }

    /** A key read back from its PKCS#8 file: it signs, its public half is in the key set written with it. */
    public static SigningKey of(PrivateKey key, String kid) {
        return new SigningKey(key.getAlgorithm().equals("RSA") ? JwsAlgorithm.RS256 : JwsAlgorithm.ES256, key, null, kid);
    }

    private static JwsAlgorithm algorithm(String name) {
        try {
            return JwsAlgorithm.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm must be RS256 or ES256, not '" + name + "'");
        }
    }

    /** The key set with this key's public half. */
    public String jwks() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        if (kid != null) {
            jwk.put("kid", kid);
        }
        jwk.put("use", "sig");
        jwk.put("alg", algorithm.name());
        if (publicKey instanceof RSAPublicKey rsa) {
            jwk.put("kty", "RSA");
            jwk.put("n", unsigned(rsa.getModulus(), 0));
            jwk.put("e", unsigned(rsa.getPublicExponent(), 0));
        } else if (publicKey instanceof ECPublicKey ec) {
            jwk.put("kty", "EC");
            jwk.put("crv", "P-256");
            jwk.put("x", unsigned(ec.getW().getAffineX(), 32));
            jwk.put("y", unsigned(ec.getW().getAffineY(), 32));
        } else {
            throw new IllegalStateException("no public key to write");
        }
        return Json.write(Map.of("keys", List.of(jwk)));
    }

    /** A compact JWS of {@code claims}. */
    public String sign(Map<String, Object> claims) throws GeneralSecurityException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", algorithm.name());
        header.put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        String signed = encode(Json.write(header)) + "." + encode(Json.write(claims));
        Signature signature = Signature.getInstance(algorithm.jdkName());
        signature.initSign(privateKey);
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + BASE64URL.encodeToString(signature.sign());
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Big-endian without a sign byte, left-padded to {@code length} bytes when given (EC coordinates). */
    private static String unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (bytes.length < length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            bytes = padded;
        }
        return BASE64URL.encodeToString(bytes);
    }
}

package dev.jmesh.agent.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.JwtRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RequestAuthentication's checks, on tokens signed here and a wall clock the test sets. */
class TokenValidatorTest {

    static final String ISSUER = "https://auth.example.org";
    static final long NOW = 1_800_000_000L;

    @TempDir
    static Path dir;
    static SigningKey rsa;
    static SigningKey ec;
    static Path rsaKeys;
    static Path ecKeys;

    final AtomicLong wallClock = new AtomicLong(NOW);
    final FakeClock clock = new FakeClock();

    @BeforeAll
    static void keys() throws Exception {
        rsa = SigningKey.generate("RS256", "rsa-1");
        ec = SigningKey.generate("ES256", null);
        rsaKeys = Files.writeString(dir.resolve("rsa.json"), rsa.jwks());
        ecKeys = Files.writeString(dir.resolve("ec.json"), ec.jwks());
    }

    TokenValidator validator(Path jwks, String... audiences) {
        return TokenValidator.of(List.of(new JwtRule(ISSUER, List.of(audiences), jwks, false),
                new JwtRule("https://other.example.org", List.of(), ecKeys, true)), clock, wallClock::get);
    }

    static String bearer(SigningKey key, Map<String, Object> claims) throws Exception {
        return "Bearer " + key.sign(claims);
    }

    static Map<String, Object> claims(long expiresAt, String... audiences) {
        return TokenClaims.of(ISSUER, "alice", audiences.length == 0 ? null : audiences, expiresAt,
                "{\"realm\":{\"roles\":[\"admin\",\"dev\"]},\"level\":3}");
    }

    String reason(TokenValidator.Outcome outcome) {
        return assertInstanceOf(TokenValidator.Invalid.class, outcome).reason();
    }

    @Test
    void rs256AndEs256TokensAreVerifiedAndTheirClaimsRead() throws Exception {
        VerifiedToken token = assertInstanceOf(TokenValidator.Valid.class,
                validator(rsaKeys, "orders").validate(bearer(rsa, claims(NOW + 60, "billing", "orders")))).token();
        assertEquals(ISSUER + "/alice", token.principal());
        assertEquals(List.of("billing", "orders"), token.audiences());
        assertEquals(List.of("admin", "dev"), token.claim(List.of("realm", "roles")));
        assertEquals(List.of("3"), token.claim(List.of("level")));
        assertEquals(List.of(), token.claim(List.of("realm")), "an object is no value");
        assertEquals(false, token.forwardToApplication());

        assertInstanceOf(TokenValidator.Valid.class, validator(ecKeys).validate(bearer(ec, claims(NOW + 60))));
    }

    @Test
    void noBearerTokenIsNoToken() {
        TokenValidator validator = validator(rsaKeys);
        assertInstanceOf(TokenValidator.NoToken.class, validator.validate(null));
        assertInstanceOf(TokenValidator.NoToken.class, validator.validate("Basic YWxpY2U6cHc="));
    }

    @Test
    void timesAreCheckedWithSixtySecondsOfSkew() throws Exception {
        TokenValidator validator = validator(rsaKeys);
        assertInstanceOf(TokenValidator.Valid.class, validator.validate(bearer(rsa, claims(NOW - 60))));
        assertEquals("Jwt is expired", reason(validator.validate(bearer(rsa, claims(NOW - 61)))));
        Map<String, Object> early = new java.util.LinkedHashMap<>(claims(NOW + 600));
        early.put("nbf", NOW + 61);
        assertEquals("Jwt not yet valid", reason(validator.validate(bearer(rsa, early))));
    }

    @Test
    void everyOtherFlawIsA401WithItsReason() throws Exception {
        TokenValidator validator = validator(rsaKeys, "orders");
        assertEquals("Audiences in Jwt are not allowed", reason(validator.validate(bearer(rsa, claims(NOW + 60, "billing")))));
        assertEquals("Audiences in Jwt are not allowed", reason(validator.validate(bearer(rsa, claims(NOW + 60)))));

        String good = rsa.sign(claims(NOW + 60, "orders"));
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + encode(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("alice", "admin")) + "." + parts[2];
        assertEquals("Jwt verification fails", reason(validator.validate("Bearer " + forged)));
        String unsigned = encode("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        assertEquals("Jwt algorithm is not supported (RS256 or ES256)", reason(validator.validate("Bearer " + unsigned)));
        assertEquals("Jwks doesn't have key to match kid or alg from Jwt",
                reason(validator.validate(bearer(ec, claims(NOW + 60, "orders")))), "an EC token for RSA keys");
        assertEquals("Jwt issuer is not configured", reason(validator.validate(bearer(rsa,
                TokenClaims.of("https://evil.example.org", "x", null, NOW + 60, null)))));
        assertEquals("Jwt is not in the form of Header.Payload.Signature", reason(validator.validate("Bearer abc.def")));
        assertEquals("Jwt is not in the form of Header.Payload.Signature", reason(validator.validate("Bearer a.b.c")));
    }

    @Test
    void aChangedKeySetIsReadWithinASecondAndABadOneLeavesTheKeysAsTheyWere() throws Exception {
        Path keys = Files.writeString(dir.resolve("rotating.json"), rsa.jwks());
        TokenValidator validator = validator(keys);
        String ecToken = bearer(ec, claims(NOW + 60));
        assertInstanceOf(TokenValidator.Invalid.class, validator.validate(ecToken));

        Files.writeString(keys, ec.jwks());
        Files.setLastModifiedTime(keys, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(TokenValidator.Valid.class, validator.validate(ecToken), "the new key set is in use");

        Files.writeString(keys, "{ not json");
        Files.setLastModifiedTime(keys, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(TokenValidator.Valid.class, validator.validate(ecToken), "the last good keys stay");
    }

    @Test
    void aKeySetWithoutAUsableKeyIsRefusedAndSaysWhatWasLeftOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jwks.parse(
                "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"},{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}]}"));
        assertEquals("no RS256 or ES256 key (key 'h': key type oct, key #1: curve P-384)", e.getMessage());
    }

    @Test
    void jsonIsReadStrictly() {
        assertEquals(Map.of("a", List.of("x/y", true)), Json.parse("{\"a\": [\"x\\/y\", true]}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"sub\":\"a\",\"sub\":\"b\"}"), "duplicates");
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":01}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(40)));
        Map<String, Object> written = new java.util.LinkedHashMap<>();
        written.put("q", "a\"b");
        written.put("n", java.util.Arrays.asList(1, null));
        assertEquals("{\"q\":\"a\\\"b\",\"n\":[1,null]}", Json.write(written));
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.jmesh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.jwt.TokenValidator;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.JwtRule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void keysAndATokenSignedWithThemThatTheInboundPortAccepts(@TempDir Path dir) throws Exception {
        Path issuer = dir.resolve("issuer");
        assertEquals(Main.OK, run("jwt", "keys", issuer.toString(), "--alg", "ES256", "--kid", "k1"), err.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(issuer.resolve("jwt-key.pem"))));
        out.reset();
        assertEquals(Main.OK, run("jwt", "sign", issuer.resolve("jwt-key.pem").toString(), "--iss", "https://i", "--sub",
                "alice", "--aud", "orders,billing", "--kid", "k1", "--claims", "{\"roles\":[\"admin\"]}"), err.toString());
        String token = out.toString(StandardCharsets.UTF_8).trim();
        TokenValidator validator = TokenValidator.of(List.of(new JwtRule("https://i", List.of("orders"),
                issuer.resolve("jwks.json"), false)), new FakeClock(), () -> System.currentTimeMillis() / 1000);
        var valid = assertInstanceOf(TokenValidator.Valid.class, validator.validate("Bearer " + token));
        assertEquals(List.of("admin"), valid.token().claim(List.of("roles")));
        assertEquals(List.of("orders", "billing"), valid.token().audiences());
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path dir) {
        assertEquals(Main.USAGE, run("jwt", "keys", dir.toString(), "--alg", "HS256"));
        assertTrue(err.toString().contains("algorithm must be RS256 or ES256, not 'HS256'"), err.toString());
        assertEquals(Main.USAGE, run("jwt", "sign", dir.resolve("k.pem").toString()));
        assertTrue(err.toString().contains("--iss is required"), err.toString());
        assertEquals(Main.USAGE, run("jwt", "sign", "k.pem", "--iss", "i", "--ttl", "soon"));
        assertTrue(err.toString().contains("--ttl must be a whole number of seconds, not 'soon'"), err.toString());
    }
}

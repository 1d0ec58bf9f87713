package dev.jmesh.agent.cli;

import dev.jmesh.agent.jwt.SigningKey;
import dev.jmesh.agent.jwt.TokenClaims;
import dev.jmesh.pki.IdentityException;
import dev.jmesh.pki.Pem;
import dev.jmesh.pki.SecureFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * {@code jwt keys DIR} and {@code jwt sign KEY}: an issuer's key set and tokens from it, to try the
 * inbound port's token and authorization rules without an identity provider.
 */
final class JwtCommand {

    static final String KEY_FILE = "jwt-key.pem";
    static final String JWKS_FILE = "jwks.json";
    static final long DEFAULT_TTL_SECONDS = 3600;

    private static final String USAGE = String.join("\n",
            "usage: java -jar jmesh-agent.jar jwt keys DIR [--alg RS256|ES256] [--kid ID]",
            "       java -jar jmesh-agent.jar jwt sign KEY --iss ISSUER [--sub SUBJECT] [--aud A,B]",
            "                                       [--ttl SECONDS] [--kid ID] [--claims JSON]",
            "",
            "  keys    a signing key in DIR: " + KEY_FILE + " (PKCS#8, 0600) and " + JWKS_FILE
                    + " (its key set, for inbound.jwt's jwksFile); RS256 by default",
            "  sign    prints a token signed with KEY; valid " + DEFAULT_TTL_SECONDS + " s by default,"
                    + " a negative --ttl makes one that has expired;",
            "          --claims adds members, e.g. '{\"roles\":[\"admin\"]}'");

    private JwtCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        return Subcommands.run("jwt", USAGE, Map.of("keys", JwtCommand::keys, "sign", JwtCommand::sign), args, out, err);
    }

    private static int keys(Arguments arguments, PrintStream out, PrintStream err)
            throws IOException, GeneralSecurityException {
        if (!arguments.check(1, Set.of("--alg", "--kid"), err)) {
            return Main.USAGE;
        }
        Path directory = Path.of(arguments.positional.get(0));
        SigningKey key = SigningKey.generate(arguments.option("--alg", "RS256"), arguments.option("--kid", null));
        SecureFiles.ownerOnlyDirectory(directory);
        SecureFiles.write(directory.resolve(KEY_FILE), Pem.encodePrivateKey(key.privateKey()), true);
        SecureFiles.write(directory.resolve(JWKS_FILE), key.jwks() + "\n", false);
        out.println("wrote " + directory.resolve(KEY_FILE) + " (" + key.algorithm() + " signing key, owner-only)");
        out.println("wrote " + directory.resolve(JWKS_FILE) + " (its key set)");
        return Main.OK;
    }

    private static int sign(Arguments arguments, PrintStream out, PrintStream err)
            throws IdentityException, GeneralSecurityException {
        if (!arguments.check(1, Set.of("--iss", "--sub", "--aud", "--ttl", "--kid", "--claims"), err)) {
            return Main.USAGE;
        }
        String issuer = arguments.option("--iss", null);
        if (issuer == null) {
            throw new IllegalArgumentException("--iss is required");
        }
        long expiresAt = Instant.now().getEpochSecond() + arguments.intOption("--ttl", DEFAULT_TTL_SECONDS, "seconds");
        String audiences = arguments.option("--aud", null);
        var claims = TokenClaims.of(issuer, arguments.option("--sub", null),
                audiences == null ? null : audiences.split(","), expiresAt, arguments.option("--claims", null));
        SigningKey key = SigningKey.of(Pem.readPrivateKey(Path.of(arguments.positional.get(0))),
                arguments.option("--kid", null));
        out.println(key.sign(claims));
        return Main.OK;
    }
}

package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the inbound port validates tokens of one issuer: Istio's {@code RequestAuthentication}
 * {@code jwtRules} entry, with the keys in a local JWKS file.
 *
 * @param audiences            the token's {@code aud} must name one of these; empty = not checked
 * @param jwksFile             a JSON Web Key Set (RS256 and ES256 keys), re-read when it changes
 * @param forwardOriginalToken whether the application still gets the {@code Authorization}
 *                             header once the token is verified (Istio's default: removed)
 */
public record JwtRule(String issuer, List<String> audiences, Path jwksFile, boolean forwardOriginalToken) {

    public JwtRule {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksFile, "jwksFile");
        audiences = List.copyOf(audiences);
    }
}

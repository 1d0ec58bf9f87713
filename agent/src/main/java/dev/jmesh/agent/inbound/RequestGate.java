package dev.jmesh.agent.inbound;

import dev.jmesh.agent.authz.Authorizer;
import dev.jmesh.agent.authz.RequestFacts;
import dev.jmesh.agent.authz.RequestPaths;
import dev.jmesh.agent.jwt.TokenValidator;
import dev.jmesh.agent.jwt.VerifiedToken;
import dev.jmesh.policy.SpiffeId;
import java.util.Locale;
import java.util.Set;

/**
 * What becomes of each request head on one inbound connection: forwarded with the mesh's edits
 * (the caller named in {@code x-forwarded-client-cert}, which a caller can never send itself),
 * or answered by the port: 401 for a bad token, 403 when authorization refuses, 400 for a path
 * rules cannot be sure of. With authorization or token rules in force, only HTTP/1.x passes.
 */
final class RequestGate {

    static final String CLIENT_CERT = "x-forwarded-client-cert";
    private static final Set<String> CALLER_HEADERS = Set.of(CLIENT_CERT);
    // With rules in force, also a verified token the application is not to see, and an h2c offer.
    private static final Set<String> AND_TOKEN = Set.of(CLIENT_CERT, "authorization");
    private static final Set<String> AND_H2C = Set.of(CLIENT_CERT, "upgrade", "http2-settings");
    private static final Set<String> AND_TOKEN_AND_H2C = Set.of(CLIENT_CERT, "authorization", "upgrade", "http2-settings");

    private final String clientCert;
    private final Authorizer authorizer;
    private final TokenValidator tokens;
    private final boolean layer7;
    private final String principal;
    private final String namespace;

    /**
     * What the gate decided for one head: the head to forward, and whether the connection stops
     * being HTTP/1.x after it (CONNECT, an upgrade); or the port's own answer.
     */
    record Admission(byte[] head, boolean opaqueAfter, LocalReply reply) {
        static Admission answer(LocalReply reply) {
            return new Admission(null, false, reply);
        }
    }

    /**
     * @param clientCert   the caller header's value, or null for a caller that did not authenticate
     * @param peerIdentity the caller's SPIFFE ID, or null
     */
    RequestGate(String clientCert, Authorizer authorizer, TokenValidator tokens, String peerIdentity) {
        this.clientCert = clientCert == null ? null : CLIENT_CERT + ": " + clientCert;
        this.authorizer = authorizer;
        this.tokens = tokens;
        this.layer7 = !authorizer.isEmpty() || !tokens.isEmpty();
        SpiffeId id = peerIdentity == null ? null : parse(peerIdentity);
        this.principal = id == null ? null : id.toString().substring(SpiffeId.SCHEME.length());
        this.namespace = id == null ? null : namespaceOf(id.path());
    }

    /** Whether anything that is not HTTP/1.x is refused: rules in force could not see into it. */
    boolean httpOnly() {
        return layer7;
    }

    Admission admit(RequestHead head) {
        if (!layer7) {
            return new Admission(head.rewritten(head.target, CALLER_HEADERS, clientCert), head.opaqueAfter, null);
        }
        RequestPaths.Normalized path = RequestPaths.normalize(head.target);
        if (path == null) {
            return Admission.answer(LocalReply.badRequest("request target '" + head.target
                    + "' has an encoded slash, backslash or NUL"));
        }
        VerifiedToken token = null;
        if (!tokens.isEmpty()) {
            TokenValidator.Outcome outcome = tokens.validate(head.header("authorization"));
            if (outcome instanceof TokenValidator.Invalid invalid) {
                String host = head.header("host");
                return Admission.answer(LocalReply.unauthorized(invalid.reason(),
                        "http://" + (host == null ? "" : host) + path.path()));
            }
            if (outcome instanceof TokenValidator.Valid valid) {
                token = valid.token();
            }
        }
        String refusal = authorizer.refusal(new RequestFacts(head.method, path.path(), head.header("host"),
                head::header, principal, namespace, token));
        if (refusal != null) {
            return Admission.answer(LocalReply.forbidden(refusal));
        }
        boolean dropToken = token != null && !token.forwardToApplication();
        // An h2c upgrade would carry the rest of the connection past the rules: it is not offered.
        String upgrade = head.header("upgrade");
        boolean h2c = upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("h2c");
        Set<String> removed = dropToken ? (h2c ? AND_TOKEN_AND_H2C : AND_TOKEN) : (h2c ? AND_H2C : CALLER_HEADERS);
        return new Admission(head.rewritten(path.target(), removed, clientCert), head.opaqueAfter && !h2c, null);
    }

    private static SpiffeId parse(String id) {
        try {
            return SpiffeId.parse(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code /ns/<namespace>/sa/<account>}, the path Istio's identities have. */
    private static String namespaceOf(String path) {
        String[] parts = path.split("/");
        return parts.length == 5 && parts[1].equals("ns") && parts[3].equals("sa") ? parts[2] : null;
    }
}

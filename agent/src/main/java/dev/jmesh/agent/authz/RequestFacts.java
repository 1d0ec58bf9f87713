package dev.jmesh.agent.authz;

import dev.jmesh.agent.jwt.VerifiedToken;
import java.util.function.Function;

/**
 * What authorization rules read of one request.
 *
 * @param path      the path without its query, normalized ({@link RequestPaths})
 * @param host      the {@code Host} header, or null
 * @param headers   a header's value by lower-case name (several joined by ", "), or null
 * @param principal the caller's SPIFFE ID without the scheme, or null when it did not authenticate
 * @param namespace the namespace that ID names, or null
 * @param token     the verified bearer token, or null
 */
public record RequestFacts(String method, String path, String host, Function<String, String> headers,
                           String principal, String namespace, VerifiedToken token) {}

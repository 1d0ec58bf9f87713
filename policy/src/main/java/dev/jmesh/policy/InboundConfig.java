package dev.jmesh.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * This application's own listening side.
 *
 * @param port  the port the application listens on; registered for the workload through the
 *              control link, and owned by the agent when {@code mtls} is not {@code disable}
 * @param mtls  what the port speaks, seen from the network
 * @param protocol what the application serves on it: {@code tcp}, any protocol, joined to the
 *              application as soon as a caller connects (a server-first protocol greets first);
 *              {@code http}, joined at a request's first byte, so an idle connection costs the
 *              application nothing. Authorization and token rules imply {@code http}.
 * @param allow SPIFFE IDs of the callers let in over mTLS; empty = any workload of the trust domain
 * @param authorization the port's L7 authorization policies, in the order written; empty = none
 * @param jwt   the token issuers the port validates; empty = tokens are not looked at
 */
public record InboundConfig(int port, Mtls mtls, Protocol protocol, List<String> allow,
                            List<AuthorizationPolicy> authorization, List<JwtRule> jwt) {

    /** Seen from the network: plaintext as the application serves it, both, or mutual TLS only. */
    public enum Mtls {
        DISABLE, PERMISSIVE, STRICT;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InboundConfig {
        Objects.requireNonNull(mtls, "mtls");
        Objects.requireNonNull(protocol, "protocol");
        allow = List.copyOf(allow);
        authorization = List.copyOf(authorization);
        jwt = List.copyOf(jwt);
    }

    /** A port without mTLS, for registration only. */
    public InboundConfig(int port) {
        this(port, Mtls.DISABLE, Protocol.TCP, List.of(), List.of(), List.of());
    }
}

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
 * @param allow SPIFFE IDs of the callers let in over mTLS; empty = any workload of the trust domain
 */
public record InboundConfig(int port, Mtls mtls, List<String> allow) {

    /** Seen from the network: plaintext as the application serves it, both, or mutual TLS only. */
    public enum Mtls {
        DISABLE, PERMISSIVE, STRICT;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InboundConfig {
        Objects.requireNonNull(mtls, "mtls");
        allow = List.copyOf(allow);
    }

    /** A port without mTLS, for registration only. */
    public InboundConfig(int port) {
        this(port, Mtls.DISABLE, List.of());
    }
}

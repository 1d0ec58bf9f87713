package dev.jmesh.policy;

import java.util.Objects;

/**
 * Settings of the local admin HTTP server.
 *
 * @param bind IP literal or {@code localhost} to listen on
 * @param port TCP port; {@code 0} lets the OS pick a free port
 */
public record AdminConfig(String bind, int port) {

    /** Used when the policy file does not say where to bind. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    public AdminConfig {
        Objects.requireNonNull(bind, "bind");
    }
}

package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.List;

/**
 * The control link: where endpoints and policies are pushed from.
 *
 * @param servers   {@code host:port} of the control-plane replicas, tried in turn; never empty
 * @param tokenFile the bearer token for the link, or {@code null} for none
 * @param cacheDir  where the last good snapshot is kept, or {@code null} for no cache
 * @param trustBundle PEM CA certificates the replicas' certificates are verified against: the
 *                  link is TLS (mutual once this workload holds a certificate); {@code null}
 *                  for a plaintext link, which the agent opens to loopback servers only
 */
public record ControlConfig(List<String> servers, Path tokenFile, Path cacheDir, Path trustBundle) {

    public ControlConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("control needs at least one server");
        }
    }
}

package dev.jmesh.agent.inbound;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is behind each connection the inbound port joined to the application: the application's
 * server sees a loopback connection from the agent, and its requests are told by the port that
 * connection came from. Only the agent's own connections are in here, so a local process cannot
 * pass for an authenticated caller.
 */
public final class InboundCallers {

    private final ConcurrentHashMap<Integer, String> byPort = new ConcurrentHashMap<>();

    void joined(int localPort, String principal) {
        byPort.put(localPort, principal);
    }

    void left(int localPort) {
        byPort.remove(localPort);
    }

    /**
     * The SPIFFE ID of the caller behind a connection the application accepted from
     * {@code remote}, or null: not joined by the inbound port, or a plaintext caller.
     */
    public String principalOf(InetSocketAddress remote) {
        if (remote == null || byPort.isEmpty() || remote.getAddress() == null
                || !remote.getAddress().isLoopbackAddress()) {
            return null;
        }
        String principal = byPort.get(remote.getPort());
        return principal == null || principal.equals(InboundEvents.PLAINTEXT) ? null : principal;
    }
}

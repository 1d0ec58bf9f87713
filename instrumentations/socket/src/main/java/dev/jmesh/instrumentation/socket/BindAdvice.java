package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ServerSocket.bind(SocketAddress, int)} and
 * {@code ServerSocketChannelImpl.bind(SocketAddress, int)} (which {@code HttpServer} and every
 * NIO server use): when the agent owns the port (inbound mTLS), the application's server binds
 * a loopback ephemeral port instead, and the agent opens the real one in front of it.
 */
final class BindAdvice {

    private BindAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static SocketAddress enter(@Advice.Argument(value = 0, readOnly = false) SocketAddress local) {
        SocketAddress instead = Mesh.inboundBind(local);
        if (instead == null) {
            return null;
        }
        SocketAddress requested = local;
        local = instead;
        return requested;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object server, @Advice.Enter SocketAddress requested) {
        if (requested != null) {
            Mesh.inboundBound(server, requested);
        }
    }
}

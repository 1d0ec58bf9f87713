package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code Socket.close()} and {@code SocketChannelImpl.implCloseSelectableChannel()}. */
final class ClosedAdvice {

    private ClosedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object connection) {
        Mesh.closed(connection);
    }
}

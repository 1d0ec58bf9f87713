package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code SocketChannelImpl.finishConnect()}: the outcome of a non-blocking connect. */
final class FinishConnectAdvice {

    private FinishConnectAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return boolean connected, @Advice.Thrown Throwable error) {
        Mesh.channelConnectFinished(channel, connected, error);
    }
}

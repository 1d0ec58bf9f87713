package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.TcpConnect;
import java.io.IOException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code SocketChannelImpl.connect(SocketAddress)} and
 * {@code blockingConnect(SocketAddress, long)} (the path of {@code channel.socket().connect}):
 * a connect to a tcp service goes to the endpoint the mesh picks, and its outcome (connected,
 * failed, or pending until {@code finishConnect}) is reported back.
 */
final class ChannelConnectAdvice {

    private ChannelConnectAdvice() {}

    static final class Enter {

        private Enter() {}

        @Advice.OnMethodEnter
        static TcpConnect enter(@Advice.Argument(value = 0, readOnly = false) SocketAddress remote) throws IOException {
            TcpConnect connect = Mesh.beginChannelConnect(remote);
            if (connect != null) {
                remote = Mesh.channelEndpoint(connect, remote);
            }
            return connect;
        }
    }

    /** For {@code connect}, which returns whether it connected (false: pending, non-blocking). */
    static final class Exit {

        private Exit() {}

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Enter TcpConnect connect,
                         @Advice.Return boolean connected, @Advice.Thrown Throwable error) {
            if (connect != null) {
                Mesh.channelConnectReturned(connect, channel, connected, error);
            }
        }
    }

    /** For {@code blockingConnect}, which returns only once connected. */
    static final class BlockingExit {

        private BlockingExit() {}

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Enter TcpConnect connect,
                         @Advice.Thrown Throwable error) {
            if (connect != null) {
                Mesh.channelConnectReturned(connect, channel, error == null, error);
            }
        }
    }
}

package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.Socket;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Socket.connect(SocketAddress, int)}, where every socket connect ends up
 * (constructors, {@code SocketFactory}, SSL sockets): a connect to a tcp service is made by
 * the mesh, and the method's own body is skipped. A failure the mesh could not fail over
 * is thrown from here, as the JDK would have thrown it.
 */
final class SocketConnectAdvice {

    private SocketConnectAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Socket socket, @Advice.Argument(0) SocketAddress endpoint,
                         @Advice.Argument(1) int timeout) throws IOException {
        // Inlined here, lookup() has private access to java.net: the driver needs it once.
        return Mesh.connectSocket(socket, endpoint, timeout, Mesh.socketNeedsLookup() ? MethodHandles.lookup() : null);
    }
}

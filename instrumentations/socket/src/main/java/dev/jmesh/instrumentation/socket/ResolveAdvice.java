package dev.jmesh.instrumentation.socket;

import dev.jmesh.bootstrap.Mesh;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code InetAddress.getAllByName(String)}, where {@code getByName} and
 * {@code InetSocketAddress(String, int)} end up: a tcp service's name is answered by the mesh,
 * so it never waits on (or leaks to) a resolver.
 */
final class ResolveAdvice {

    private ResolveAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static InetAddress[] enter(@Advice.Argument(0) String host) {
        return Mesh.resolve(host);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter InetAddress[] resolved,
                     @Advice.Return(readOnly = false) InetAddress[] returned) {
        if (resolved != null) {
            returned = resolved;
        }
    }
}

package dev.jmesh.instrumentation.jdkhttp;

import dev.jmesh.bootstrap.Mesh;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code HttpClientImpl.sendAsync(request, handler, pushHandler, executor)}, the
 * private method that {@code send} and every {@code sendAsync} overload funnel into: a call
 * to a mesh service is run by the agent's driver, whose future the method returns instead.
 */
final class SendAdvice {

    private SendAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static CompletableFuture<?> enter(
            @Advice.This Object client,
            @Advice.Argument(0) Object request,
            @Advice.Argument(1) Object handler,
            @Advice.Argument(2) Object pushHandler,
            @Advice.Argument(3) Object executor) {
        // Inlined here, lookup() has private access to HttpClientImpl: the driver needs it once.
        return Mesh.sendJdkHttp(client, request, handler, pushHandler, executor,
                Mesh.jdkHttpNeedsLookup() ? MethodHandles.lookup() : null);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
            @Advice.Enter CompletableFuture<?> driven,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
        if (driven != null) {
            returned = driven;
        }
    }
}

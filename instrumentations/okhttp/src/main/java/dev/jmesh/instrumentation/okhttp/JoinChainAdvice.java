package dev.jmesh.instrumentation.okhttp;

import java.util.List;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of {@code RealInterceptorChain}'s constructor. */
final class JoinChainAdvice {

    private JoinChainAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(1) List<?> interceptors, @Advice.Argument(2) int index) {
        // Index 0 is the head of a new call's chain; later links share its list.
        if (index == 0) {
            MeshInterceptor.joinChain(interceptors);
        }
    }
}

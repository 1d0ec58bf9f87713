package dev.jmesh.instrumentation.okhttp;

import static dev.jmesh.instrumentation.api.Value.argument;

import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.util.List;
import java.util.Map;

/**
 * Routes OkHttp 4.x and 5.x calls ({@code execute} and {@code enqueue}) through
 * {@link MeshInterceptor}.
 *
 * <p>The interceptor joins each call's chain when OkHttp assembles it, at the start of
 * {@code RealInterceptorChain}'s constructor, not the client when it is built: so every client
 * routes exactly once whether it was built before the agent was attached, copied with
 * {@code newBuilder()}, or shares nothing with another client.
 */
public final class OkHttpInstrumentation implements MeshInstrumentation {

    static final String INTERCEPTOR_CHAIN = "okhttp3.internal.http.RealInterceptorChain";
    /** By name: a class literal would load it here, in the agent's loader, where OkHttp may be missing. */
    static final String MESH_INTERCEPTOR = "dev.jmesh.instrumentation.okhttp.MeshInterceptor";

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public List<TypeAdvice> types() {
        // RealInterceptorChain(RealCall, List<Interceptor>, int index, Exchange, Request, int, int, int),
        // the same in 4.9+ and 5.x.
        return List.of(TypeAdvice.of(INTERCEPTOR_CHAIN, MethodAdvice.of(
                MethodMatch.constructor(8, Map.of(1, "Ljava/util/List;", 2, "I")),
                Step.enter(Hook.on(MESH_INTERCEPTOR, "joinChain", void.class, List.class, int.class)
                        .with(argument(1), argument(2))))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(MESH_INTERCEPTOR);
    }
}

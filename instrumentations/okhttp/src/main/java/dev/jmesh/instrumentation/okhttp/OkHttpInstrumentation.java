package dev.jmesh.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Routes OkHttp 4.x and 5.x calls ({@code execute} and {@code enqueue}) through
 * {@link MeshInterceptor}.
 *
 * <p>The interceptor joins each call's chain when OkHttp assembles it, not the client when it
 * is built: so every client routes exactly once whether it was built before the agent was
 * attached, copied with {@code newBuilder()}, or shares nothing with another client.
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
    public Set<String> typeNames() {
        return Set.of(INTERCEPTOR_CHAIN);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        // RealInterceptorChain(RealCall, List<Interceptor>, int index, Exchange, Request, int, int, int),
        // the same in 4.9+ and 5.x.
        return new AgentBuilder.Transformer.ForAdvice()
                .include(OkHttpInstrumentation.class.getClassLoader())
                .advice(isConstructor()
                                .and(takesArguments(8))
                                .and(takesArgument(1, List.class))
                                .and(takesArgument(2, int.class)),
                        JoinChainAdvice.class.getName());
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(MESH_INTERCEPTOR);
    }
}

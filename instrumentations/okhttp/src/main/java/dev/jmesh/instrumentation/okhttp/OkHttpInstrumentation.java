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
 * Routes OkHttp 3.12+, 4.x and 5.x calls ({@code execute} and {@code enqueue}) through
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
    static final String TRANSPORT = "dev.jmesh.instrumentation.okhttp.OkHttpTransport";
    static final String MIRROR_CLIENTS = "dev.jmesh.instrumentation.okhttp.MirrorClients";
    private static final Hook JOIN_CHAIN = Hook.on(MESH_INTERCEPTOR, "joinChain", void.class, List.class, int.class);

    @Override
    public String name() {
        return "okhttp";
    }

    /**
     * The chain's constructor in each line of OkHttp: where it takes the call's interceptor list
     * and the index of the link being built. Positions are all the advice reads, so the
     * parameters OkHttp adds between releases do not matter.
     */
    @Override
    public List<TypeAdvice> types() {
        return List.of(
                // 4.9+ and 5.x: (RealCall, List<Interceptor>, int index, Exchange, Request, ...)
                chain(1, 2),
                // 3.14 and 4.0-4.8: (List<Interceptor>, Transmitter, Exchange, int index, Request, ...)
                chain(0, 3),
                // 3.12-3.13: (List<Interceptor>, StreamAllocation, HttpCodec, RealConnection, int index, ...)
                chain(0, 4));
    }

    private static TypeAdvice chain(int listPosition, int indexPosition) {
        return TypeAdvice.of(INTERCEPTOR_CHAIN, MethodAdvice.of(
                MethodMatch.constructorTaking(Map.of(listPosition, "Ljava/util/List;", indexPosition, "I")),
                Step.enter(JOIN_CHAIN.with(argument(listPosition), argument(indexPosition)))));
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(MESH_INTERCEPTOR, TRANSPORT, TRANSPORT + "$Discarding", MIRROR_CLIENTS,
                MIRROR_CLIENTS + "$ClientAccessor", MIRROR_CLIENTS + "$DaemonThreads");
    }
}

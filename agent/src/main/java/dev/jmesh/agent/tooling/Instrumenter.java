package dev.jmesh.agent.tooling;

import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.AgentBuilder.RedefinitionStrategy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs every instrumentation with one Byte Buddy agent builder.
 *
 * <p>Startup stays small: types are matched by exact name (a hash lookup, no class file is
 * parsed for the rest), JDK classes are not ignored (Byte Buddy skips them by default), and
 * only the named classes that are already loaded — found by name, not by a matcher run over
 * every loaded class — are retransformed. Advice never changes a class's shape, so an agent
 * attached late can still rewrite classes that are already in use.
 */
public final class Instrumenter {

    private Instrumenter() {}

    public static void install(Instrumentation instrumentation, List<MeshInstrumentation> instrumentations,
                               ClassDefiner helpers, AgentBuilder.Listener listener) {
        Map<String, MeshInstrumentation> byType = new HashMap<>();
        for (MeshInstrumentation each : instrumentations) {
            for (String type : each.typeNames()) {
                byType.put(type, each);
            }
        }

        // Byte Buddy's Nexus serves initializers that advice never has; skipping it keeps
        // Byte Buddy from reaching for sun.misc.Unsafe, which JDK 24+ warns about.
        System.setProperty(Nexus.PROPERTY, "true");
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(RedefinitionStrategy.RETRANSFORMATION)
                .with(new RedefinitionStrategy.DiscoveryStrategy.Explicit(loaded(instrumentation, byType.keySet())))
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(listener)
                .ignore(ElementMatchers.none())
                .assureReadEdgeTo(instrumentation, Mesh.class);

        for (MeshInstrumentation each : instrumentations) {
            builder = builder
                    .type((type, loader, module, redefined, domain) -> each.typeNames().contains(type.getName()))
                    .transform(new DefineHelpers(each, helpers))
                    .transform(each.transformer());
        }
        builder.installOn(instrumentation);
    }

    private static Set<Class<?>> loaded(Instrumentation instrumentation, Set<String> names) {
        Set<Class<?>> loaded = new LinkedHashSet<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (names.contains(type.getName()) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        return loaded;
    }

    /** Defines the instrumentation's helpers in the library's loader before its advice needs them. */
    private record DefineHelpers(MeshInstrumentation instrumentation, ClassDefiner helpers)
            implements AgentBuilder.Transformer {

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module,
                                                ProtectionDomain protectionDomain) {
            List<String> names = instrumentation.helperClassNames();
            if (!names.isEmpty() && loader != null) {
                try {
                    helpers.defineIn(loader, names);
                } catch (Exception e) {
                    // Without its helpers the advice would fail to link: leave the class as it is.
                    throw new IllegalStateException("cannot define " + names + " in " + loader, e);
                }
            }
            return builder;
        }
    }
}

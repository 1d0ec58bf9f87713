package dev.jmesh.agent.tooling;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.AgentBuilder.RedefinitionStrategy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs every instrumentation, paying for Byte Buddy only when it is needed.
 *
 * <p>{@code premain} registers this small transformer, which looks at class names only (one
 * hash lookup per loaded class). Byte Buddy — a few hundred classes and most of the agent's
 * start-up time — is set up the first time a class to instrument actually loads, or at once
 * when the agent is attached to a JVM whose client classes are already loaded (those are then
 * retransformed: advice never changes a class's shape, so classes in use can be rewritten).
 * An application that never touches an instrumented library never loads Byte Buddy.
 *
 * <p>JDK classes are not ignored (Byte Buddy's default would skip them), and nothing scans the
 * class path or runs a matcher over every loaded class.
 */
public final class Instrumenter implements ClassFileTransformer {

    private final List<MeshInstrumentation> instrumentations;
    private final Instrumentation instrumentation;
    private final ClassDefiner helpers;
    private final AgentBuilder.Listener listener;
    /** Internal names ({@code jdk/internal/net/http/HttpRequestImpl}), as transformers see them. */
    private final Set<String> targets = new HashSet<>();
    /** The targets this transformer has been shown, loaded or retransformed. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile ClassFileTransformer weaver;

    private Instrumenter(Instrumentation instrumentation, List<MeshInstrumentation> instrumentations,
                         ClassDefiner helpers, AgentBuilder.Listener listener) {
        this.instrumentation = instrumentation;
        this.instrumentations = List.copyOf(instrumentations);
        this.helpers = helpers;
        this.listener = listener;
        for (MeshInstrumentation each : instrumentations) {
            for (String type : each.typeNames()) {
                targets.add(type.replace('.', '/'));
            }
        }
    }

    public static void install(Instrumentation instrumentation, List<MeshInstrumentation> instrumentations,
                               ClassDefiner helpers, AgentBuilder.Listener listener) throws UnmodifiableClassException {
        Instrumenter instrumenter = new Instrumenter(instrumentation, instrumentations, helpers, listener);
        instrumentation.addTransformer(instrumenter, true);
        instrumenter.retransform(instrumenter.alreadyLoaded());
        // A class that loads while a transformer runs is defined without being shown to any
        // transformer (JDK 25 loads java.net.Socket while InetAddress is being woven): catch up.
        instrumenter.retransform(instrumenter.alreadyLoaded().stream()
                .filter(type -> !instrumenter.seen.contains(type.getName().replace('.', '/'))).toList());
    }

    private void retransform(List<Class<?>> types) throws UnmodifiableClassException {
        if (!types.isEmpty()) {
            instrumentation.retransformClasses(types.toArray(new Class<?>[0]));
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (className == null || !targets.contains(className)) {
            return null;
        }
        seen.add(className);
        try {
            return weaver().transform(module, loader, className, classBeingRedefined, protectionDomain, classFile);
        } catch (Throwable t) {
            // Fail open: the class loads unchanged and its calls pass through.
            AgentLog.line("could not instrument " + className.replace('/', '.') + ", its calls pass through unrouted: " + t);
            return null;
        }
    }

    private List<Class<?>> alreadyLoaded() {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (targets.contains(type.getName().replace('.', '/')) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        return loaded;
    }

    private ClassFileTransformer weaver() {
        ClassFileTransformer current = weaver;
        if (current == null) {
            synchronized (this) {
                current = weaver;
                if (current == null) {
                    weaver = current = buildWeaver();
                }
            }
        }
        return current;
    }

    /** Byte Buddy's transformer for the instrumented types, not registered with the JVM itself. */
    private ClassFileTransformer buildWeaver() {
        // Byte Buddy's Nexus serves initializers that advice never has; skipping it keeps
        // Byte Buddy from reaching for sun.misc.Unsafe, which JDK 24+ warns about.
        System.setProperty(Nexus.PROPERTY, "true");
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(RedefinitionStrategy.RETRANSFORMATION)
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
        return builder.makeRaw();
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

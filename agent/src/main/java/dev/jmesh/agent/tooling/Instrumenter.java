package dev.jmesh.agent.tooling;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installs every instrumentation with one small transformer that looks at class names only
 * (one hash lookup per loaded class) and rewrites the few classes named by the
 * instrumentations with {@link AdviceWeaver}. Nothing scans the class path or runs a matcher
 * over every loaded class, and no general-purpose weaver is loaded: rewriting a class costs a
 * read and a write of its class file, and once this machine has run the same JVM the
 * {@link WeaveCache} answers without loading the weaver at all.
 *
 * <p>Classes already loaded when the agent starts (the JDK's socket classes always are; every
 * client class when the agent is attached to a running JVM) are retransformed: advice never
 * changes a class's shape, so classes in use can be rewritten.
 */
public final class Instrumenter implements ClassFileTransformer {

    private final Instrumentation instrumentation;
    private final ClassDefiner helpers;
    private final WeaveCache cache;
    /** Internal names ({@code jdk/internal/net/http/HttpRequestImpl}), as transformers see them. */
    private final Map<String, Target> targets = new HashMap<>();
    /** Classes jmesh knows and does not route, by internal name, each said once. */
    private final Map<String, MeshInstrumentation> notRouted = new HashMap<>();
    private final Set<String> saidNotRouted = ConcurrentHashMap.newKeySet();
    /** The same classes, and the ones not routed, by binary name, as {@code Class.getName()} gives them. */
    private final Set<String> targetNames = new HashSet<>();
    /** The targets this transformer has been shown, loaded or retransformed. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** Modules whose classes now call the bootstrap facade. */
    private final Set<Module> reading = ConcurrentHashMap.newKeySet();

    /** A class and the advice for each of its shapes (library versions), tried in order. */
    private record Target(MeshInstrumentation instrumentation, List<TypeAdvice> shapes) {}

    private Instrumenter(Instrumentation instrumentation, List<MeshInstrumentation> instrumentations,
                         ClassDefiner helpers, WeaveCache cache) {
        this.instrumentation = instrumentation;
        this.helpers = helpers;
        this.cache = cache;
        for (MeshInstrumentation each : instrumentations) {
            for (TypeAdvice type : each.types()) {
                targets.computeIfAbsent(type.internalName(), name -> new Target(each, new ArrayList<>()))
                        .shapes().add(type);
                targetNames.add(type.className());
            }
            for (String name : each.unsupportedClassNames()) {
                notRouted.put(name.replace('.', '/'), each);
                targetNames.add(name);
            }
        }
    }

    public static void install(Instrumentation instrumentation, List<MeshInstrumentation> instrumentations,
                               ClassDefiner helpers, WeaveCache cache) throws UnmodifiableClassException {
        Instrumenter instrumenter = new Instrumenter(instrumentation, instrumentations, helpers, cache);
        instrumentation.addTransformer(instrumenter, true);
        instrumenter.retransform(instrumenter.alreadyLoaded());
        // A class that loads while a transformer runs is defined without being shown to any
        // transformer: catch up.
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
        Target target = className == null ? null : targets.get(className);
        if (target == null) {
            if (className != null && notRouted.containsKey(className)) {
                sayNotRouted(className, protectionDomain);
            }
            return null;
        }
        seen.add(className);
        try {
            List<String> helperNames = target.instrumentation().helperClassNames();
            boolean needsHelpers = !helperNames.isEmpty() && loader != null;
            WeaveCache.Entry woven = cache.get(className, classFile);
            if (woven == null) {
                woven = weave(classFile, target.shapes(), needsHelpers ? loader : null, helperNames);
                cache.put(className, classFile, woven);
            }
            if (woven.refusal() != null) {
                AgentLog.line(target.instrumentation().name() + ": " + className.replace('/', '.') + from(protectionDomain)
                        + " is not the shape jmesh knows (" + woven.refusal() + "); its calls pass through unrouted");
                return null;
            }
            if (needsHelpers) {
                // Hooks in a library's classes call helpers that must be in the library's loader first.
                helpers.defineIn(loader, helperNames);
            }
            readFacade(module);
            return woven.woven();
        } catch (Throwable t) {
            // Fail open: the class loads unchanged and its calls pass through.
            AgentLog.line(target.instrumentation().name() + ": could not instrument " + className.replace('/', '.')
                    + from(protectionDomain) + ", its calls pass through unrouted: " + t);
        }
        return null;
    }

    /**
     * Weaves the first shape the class has; refused when it has none of them, or when the
     * library in {@code loader} lacks a member the helpers use. The weaver runs only here: a
     * class the cache answers never loads it.
     */
    private static WeaveCache.Entry weave(byte[] classFile, List<TypeAdvice> shapes, ClassLoader loader,
                                          List<String> helperNames) throws IOException {
        if (loader != null) {
            List<byte[]> helperClassFiles = new ArrayList<>();
            for (String name : helperNames) {
                helperClassFiles.add(ClassDefiner.classFile(name));
            }
            String missing = LibraryReferences.missing(loader, helperClassFiles);
            if (missing != null) {
                return new WeaveCache.Entry(null, missing);
            }
        }
        List<String> refusals = new ArrayList<>();
        for (TypeAdvice shape : shapes) {
            try {
                return new WeaveCache.Entry(AdviceWeaver.weave(classFile, shape), null);
            } catch (AdviceWeaver.Refused refused) {
                refusals.add(refused.getMessage());
            }
        }
        return new WeaveCache.Entry(null, String.join(" | ", refusals));
    }

    /** A named module (the JDK's) reads the boot loader's unnamed one, where the facade is, once it calls it. */
    private void readFacade(Module module) {
        Module facade = Mesh.class.getModule();
        if (module != null && module.isNamed() && reading.add(module) && !module.canRead(facade)) {
            instrumentation.redefineModule(module, Set.of(facade), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    private void sayNotRouted(String className, ProtectionDomain domain) {
        if (saidNotRouted.add(className)) {
            MeshInstrumentation family = notRouted.get(className);
            AgentLog.line(family.name() + ": " + className.replace('/', '.') + from(domain) + " "
                    + family.unsupportedMeaning());
        }
    }

    /** Where a library class came from (its jar names the version), for the line that says it was not routed. */
    private static String from(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null || source.getLocation() == null ? "" : " (from " + source.getLocation() + ")";
    }

    private List<Class<?>> alreadyLoaded() {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (!targetNames.contains(type.getName())) {
                continue;
            }
            String internalName = type.getName().replace('.', '/');
            if (notRouted.containsKey(internalName)) {
                sayNotRouted(internalName, type.getProtectionDomain());
            } else if (instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        return loaded;
    }
}

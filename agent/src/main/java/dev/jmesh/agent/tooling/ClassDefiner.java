package dev.jmesh.agent.tooling;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Defines the agent's classes where instrumented code can see them: the bootstrap facade in
 * the boot loader (so that JDK classes can call it), an instrumentation's helpers in the
 * loader of the library it instruments (an OkHttp interceptor must see {@code okhttp3}).
 *
 * <p>Defining directly, rather than appending a jar to the bootstrap class path, keeps the
 * JVM's class-data sharing on and its start-up silent.
 */
public final class ClassDefiner {

    private final BiFunction<ClassLoader, Map.Entry<String, byte[]>, Class<?>> define;
    private final PrivateAccess privateAccess;
    /** The helpers each loader already has; weak so that loaders can be collected. */
    private final Map<ClassLoader, Set<String>> defined = new WeakHashMap<>();

    private ClassDefiner(BiFunction<ClassLoader, Map.Entry<String, byte[]>, Class<?>> define, PrivateAccess privateAccess) {
        this.define = define;
        this.privateAccess = privateAccess;
    }

    @SuppressWarnings("unchecked")
    public static ClassDefiner create(Instrumentation instrumentation) throws ReflectiveOperationException, IOException {
        IsolatedLoader isolated = new IsolatedLoader();
        Class<?> access = isolated.define(classFile(DefineClassAccess.class.getName()));
        Class<?> lookups = isolated.define(classFile(PrivateLookupAccess.class.getName()));
        Class<?> finalFields = isolated.define(classFile(FinalFieldAccess.class.getName()));
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(access.getModule())), Set.of(), Map.of());
        return new ClassDefiner(
                (BiFunction<ClassLoader, Map.Entry<String, byte[]>, Class<?>>) access.getConstructor().newInstance(),
                new PrivateAccess(instrumentation,
                        (Function<Class<?>, MethodHandles.Lookup>) lookups.getConstructor().newInstance(),
                        (BiFunction<Class<?>, String, MethodHandle>) finalFields.getConstructor().newInstance()));
    }

    /** Private access to JDK classes for the agent's own drivers. */
    public PrivateAccess privateAccess() {
        return privateAccess;
    }

    /**
     * Defines classes in the boot loader unless already there. A class whose supertype is
     * among them and not yet defined waits for a later pass.
     */
    public void defineInBootLoader(Map<String, byte[]> classFiles) {
        Map<String, byte[]> pending = new LinkedHashMap<>(classFiles);
        while (!pending.isEmpty()) {
            int before = pending.size();
            NoClassDefFoundError missing = null;
            for (Iterator<Map.Entry<String, byte[]>> it = pending.entrySet().iterator(); it.hasNext(); ) {
                try {
                    define.apply(null, it.next());
                    it.remove();
                } catch (NoClassDefFoundError e) {
                    missing = e;
                }
            }
            if (missing != null && pending.size() == before) {
                throw missing;
            }
        }
    }

    /**
     * Defines the named agent classes, in order, in {@code loader} unless it already has them
     * (when the library shares the agent's loader, that loader may have found them in the
     * agent jar itself).
     */
    public void defineIn(ClassLoader loader, List<String> classNames) throws IOException {
        synchronized (defined) {
            Set<String> present = defined.computeIfAbsent(loader, l -> new HashSet<>());
            for (String name : classNames) {
                if (!present.contains(name)) {
                    define.apply(loader, Map.entry(name, classFile(name)));
                    present.add(name);
                }
            }
        }
    }

    /** An agent class's class file, as it is defined. */
    static byte[] classFile(String className) throws IOException {
        return AgentJar.read(className.replace('.', '/') + ".class");
    }

    /** A loader with only the boot loader above it and the access classes in it. */
    private static final class IsolatedLoader extends ClassLoader {

        IsolatedLoader() {
            super("jmesh-define-class", null);
        }

        Class<?> define(byte[] classFile) {
            return defineClass(null, classFile, 0, classFile.length);
        }
    }
}

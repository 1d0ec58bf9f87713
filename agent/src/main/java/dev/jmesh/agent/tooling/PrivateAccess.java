package dev.jmesh.agent.tooling;

import dev.jmesh.instrumentation.api.JdkPrivateAccess;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Private access to JDK classes for the agent's drivers (the JDK client's private
 * {@code sendAsync}, {@code java.net}'s socket internals), without woven code handing out
 * lookups and without opening anything to the application: the package is opened to the
 * isolated loader of {@link PrivateLookupAccess} and {@link FinalFieldAccess} only.
 */
public final class PrivateAccess implements JdkPrivateAccess {

    private final Instrumentation instrumentation;
    private final Function<Class<?>, MethodHandles.Lookup> lookups;
    private final BiFunction<Class<?>, String, MethodHandle> finalFields;
    private final Module isolated;

    PrivateAccess(Instrumentation instrumentation, Function<Class<?>, MethodHandles.Lookup> lookups,
                  BiFunction<Class<?>, String, MethodHandle> finalFields) {
        this.instrumentation = instrumentation;
        this.lookups = lookups;
        this.finalFields = finalFields;
        this.isolated = lookups.getClass().getModule();
    }

    @Override
    public MethodHandles.Lookup apply(Class<?> target) {
        open(target);
        return lookups.apply(target);
    }

    @Override
    public MethodHandle finalFieldSetter(Class<?> owner, String name) {
        open(owner);
        return finalFields.apply(owner, name);
    }

    private void open(Class<?> target) {
        Module module = target.getModule();
        String pkg = target.getPackageName();
        if (module.isNamed() && !module.isOpen(pkg, isolated)) {
            instrumentation.redefineModule(module, Set.of(), Map.of(), Map.of(pkg, Set.of(isolated)), Set.of(), Map.of());
        }
    }
}

package dev.jmesh.agent.tooling;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Private access to JDK classes for the agent's drivers (the JDK client's private
 * {@code sendAsync}, {@code java.net}'s socket internals), without woven code handing out
 * lookups and without opening anything to the application: the package is opened to the
 * isolated loader of {@link PrivateLookupAccess} only.
 */
public final class PrivateAccess implements Function<Class<?>, MethodHandles.Lookup> {

    private final Instrumentation instrumentation;
    private final Function<Class<?>, MethodHandles.Lookup> lookups;
    private final Module isolated;

    PrivateAccess(Instrumentation instrumentation, Function<Class<?>, MethodHandles.Lookup> lookups) {
        this.instrumentation = instrumentation;
        this.lookups = lookups;
        this.isolated = lookups.getClass().getModule();
    }

    @Override
    public MethodHandles.Lookup apply(Class<?> target) {
        Module module = target.getModule();
        String pkg = target.getPackageName();
        if (module.isNamed() && !module.isOpen(pkg, isolated)) {
            instrumentation.redefineModule(module, Set.of(), Map.of(), Map.of(pkg, Set.of(isolated)), Set.of(), Map.of());
        }
        return lookups.apply(target);
    }
}

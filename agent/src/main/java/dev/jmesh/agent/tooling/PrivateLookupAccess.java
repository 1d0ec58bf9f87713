package dev.jmesh.agent.tooling;

import java.lang.invoke.MethodHandles;
import java.util.function.Function;

/**
 * A lookup with private access to a class. Loaded only by {@link ClassDefiner} into the same
 * isolated loader as {@link DefineClassAccess}: {@link PrivateAccess} opens a package to that
 * loader's module alone, so the application's classes gain no access they did not have.
 */
public final class PrivateLookupAccess implements Function<Class<?>, MethodHandles.Lookup> {

    @Override
    public MethodHandles.Lookup apply(Class<?> target) {
        try {
            return MethodHandles.privateLookupIn(target, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}

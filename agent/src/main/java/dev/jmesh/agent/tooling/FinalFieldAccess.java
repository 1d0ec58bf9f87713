package dev.jmesh.agent.tooling;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.function.BiFunction;

/**
 * A setter for a final instance field of a JDK class. Loaded only by {@link ClassDefiner} into
 * the isolated loader of {@link PrivateLookupAccess}: {@code setAccessible} succeeds because
 * {@link PrivateAccess} opened the field's package to that loader's module alone.
 */
public final class FinalFieldAccess implements BiFunction<Class<?>, String, MethodHandle> {

    @Override
    public MethodHandle apply(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).unreflectSetter(field);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}

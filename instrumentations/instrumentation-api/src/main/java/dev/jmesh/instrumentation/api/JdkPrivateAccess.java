package dev.jmesh.instrumentation.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.function.Function;

/**
 * Private access to JDK classes for an instrumentation's driver, granted by the agent to its
 * own isolated loader and never to the application. {@link #apply} is a lookup with private
 * access to a class.
 */
public interface JdkPrivateAccess extends Function<Class<?>, MethodHandles.Lookup> {

    /**
     * A setter for the final instance field {@code name} of {@code owner}, for the rare driver
     * that must move a JDK object's state (a channel's descriptor) the JDK itself never moves.
     *
     * @throws IllegalStateException when this JDK has no such field or refuses to write it
     */
    MethodHandle finalFieldSetter(Class<?> owner, String name);
}

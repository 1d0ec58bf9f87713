package dev.jmesh.instrumentation.api;

import java.util.List;

/**
 * A static method that woven code calls, and the values it passes. Hooks live on the boot class
 * path ({@code dev.jmesh.bootstrap.Mesh}) for JDK classes, or in a helper defined in the
 * library's loader; either way they never throw unless failing is the point (a security
 * policy that fails closed).
 *
 * <p>A reference value is passed only to a parameter of exactly its declared type or of type
 * {@code Object}: the weaver checks this, so a woven class can never fail verification.
 *
 * @param owner      binary name of the class declaring the hook
 * @param descriptor the hook's method descriptor
 */
public record Hook(String owner, String name, String descriptor, List<Value> values) {

    public Hook {
        values = List.copyOf(values);
    }

    /** The static method {@code owner.name(parameterTypes)}; its values are given with {@link #with}. */
    public static Hook on(Class<?> owner, String name, Class<?> returnType, Class<?>... parameterTypes) {
        return on(owner.getName(), name, returnType, parameterTypes);
    }

    /** For an owner the agent's own loader must not load (a helper that sees the library's types). */
    public static Hook on(String owner, String name, Class<?> returnType, Class<?>... parameterTypes) {
        return new Hook(owner, name, Descriptors.method(returnType, parameterTypes), List.of());
    }

    /** This hook, called with these values (one for each parameter, in order). */
    public Hook with(Value... arguments) {
        return new Hook(owner, name, descriptor, List.of(arguments));
    }

    public String ownerInternalName() {
        return owner.replace('.', '/');
    }

    @Override
    public String toString() {
        return owner.substring(owner.lastIndexOf('.') + 1) + "." + name + values;
    }
}

package dev.jmesh.instrumentation.api;

import java.util.Map;

/**
 * Which methods of a class advice applies to: one method by name and exact descriptor, or the
 * constructors with a given number of parameters of which some positions have a given type
 * (libraries add parameters between versions; advice names only those it reads).
 *
 * @param name           the method's name, {@code <init>} for constructors
 * @param descriptor     the exact descriptor, or {@code null} to match by parameters
 * @param parameterCount the number of parameters when matching by parameters, else -1
 * @param parameterTypes position to type descriptor, when matching by parameters
 */
public record MethodMatch(String name, String descriptor, int parameterCount, Map<Integer, String> parameterTypes) {

    public MethodMatch {
        parameterTypes = Map.copyOf(parameterTypes);
    }

    public static MethodMatch method(String name, Class<?> returnType, Class<?>... parameterTypes) {
        return new MethodMatch(name, Descriptors.method(returnType, parameterTypes), -1, Map.of());
    }

    /**
     * A method of a library the agent cannot load, its types given by name
     * ({@code org.apache.hc.core5.http.HttpHost}, {@code void}; see {@link Descriptors#ofClassNamed}).
     */
    public static MethodMatch method(String name, String returnType, String... parameterTypes) {
        StringBuilder descriptor = new StringBuilder("(");
        for (String parameter : parameterTypes) {
            descriptor.append(Descriptors.ofClassNamed(parameter));
        }
        return new MethodMatch(name, descriptor.append(')').append(Descriptors.ofClassNamed(returnType)).toString(),
                -1, Map.of());
    }

    /** Constructors of {@code parameterCount} parameters with these types at these positions. */
    public static MethodMatch constructor(int parameterCount, Map<Integer, String> parameterTypes) {
        return new MethodMatch("<init>", null, parameterCount, parameterTypes);
    }

    /** Constructors of any arity whose parameter {@code position} has type {@code descriptor}. */
    public static MethodMatch constructorTaking(int position, String descriptor) {
        return constructorTaking(Map.of(position, descriptor));
    }

    /** Constructors of any arity with these types at these positions. */
    public static MethodMatch constructorTaking(Map<Integer, String> parameterTypes) {
        return new MethodMatch("<init>", null, -1, parameterTypes);
    }

    public boolean isConstructor() {
        return name.equals("<init>");
    }

    /** As a reader would write it, for the line that refuses a class. */
    @Override
    public String toString() {
        if (descriptor != null) {
            return name + descriptor;
        }
        StringBuilder text = new StringBuilder(isConstructor() ? "a constructor" : name);
        text.append(parameterCount >= 0 ? " of " + parameterCount + " parameters" : "");
        parameterTypes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> text.append(", parameter ").append(e.getKey()).append(' ').append(e.getValue()));
        return text.toString();
    }
}

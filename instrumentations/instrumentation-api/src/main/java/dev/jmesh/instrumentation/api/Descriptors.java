package dev.jmesh.instrumentation.api;

import java.util.Map;

/** JVM type descriptors from class literals, so that advice is written with types, not strings. */
public final class Descriptors {

    private Descriptors() {}

    public static String of(Class<?> type) {
        if (type.isArray()) {
            return type.getName().replace('.', '/');
        }
        if (!type.isPrimitive()) {
            return 'L' + type.getName().replace('.', '/') + ';';
        }
        if (type == void.class) {
            return "V";
        }
        if (type == boolean.class) {
            return "Z";
        }
        if (type == long.class) {
            return "J";
        }
        // int I, byte B, char C, short S, float F, double D: the first letter, upper-cased
        return String.valueOf(Character.toUpperCase(type.getName().charAt(0)));
    }

    private static final Map<String, Class<?>> PRIMITIVES = Map.of("void", void.class, "boolean", boolean.class,
            "byte", byte.class, "char", char.class, "short", short.class, "int", int.class, "long", long.class,
            "float", float.class, "double", double.class);

    /**
     * The descriptor of a type given by name, loaded or not: a class by binary name
     * ({@code a.b.Outer$Inner}), an array as {@code Class.getName()} spells it
     * ({@code [La.b.Record;}), or a primitive ({@code void}, {@code int}).
     */
    public static String ofClassNamed(String name) {
        Class<?> primitive = PRIMITIVES.get(name);
        if (primitive != null) {
            return of(primitive);
        }
        return name.startsWith("[") ? name.replace('.', '/') : 'L' + name.replace('.', '/') + ';';
    }

    public static String method(Class<?> returnType, Class<?>... parameterTypes) {
        StringBuilder descriptor = new StringBuilder("(");
        for (Class<?> parameter : parameterTypes) {
            descriptor.append(of(parameter));
        }
        return descriptor.append(')').append(of(returnType)).toString();
    }
}

package dev.jmesh.instrumentation.api;

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

    /** The descriptor of a class given by binary name ({@code a.b.Outer$Inner}), loaded or not. */
    public static String ofClassNamed(String binaryName) {
        return 'L' + binaryName.replace('.', '/') + ';';
    }

    public static String method(Class<?> returnType, Class<?>... parameterTypes) {
        StringBuilder descriptor = new StringBuilder("(");
        for (Class<?> parameter : parameterTypes) {
            descriptor.append(of(parameter));
        }
        return descriptor.append(')').append(of(returnType)).toString();
    }
}

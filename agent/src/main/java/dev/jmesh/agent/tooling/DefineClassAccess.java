package dev.jmesh.agent.tooling;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Defines a class in any class loader, the boot loader ({@code null}) included, unless that
 * loader already has a class of that name. The argument is the class's binary name and its
 * class file.
 *
 * <p>Loaded only by {@link ClassDefiner} into a class loader of its own, because
 * {@code java.lang} is opened to that loader's module alone: the application's classes gain
 * no access they did not have.
 */
public final class DefineClassAccess
        implements BiFunction<ClassLoader, Map.Entry<String, byte[]>, Class<?>> {

    private final MethodHandle findLoadedClass;
    private final MethodHandle defineClass;
    /** ClassLoader.defineClass1, the native behind every defineClass; a null loader is the boot loader. */
    private final MethodHandle defineInBootLoader;

    public DefineClassAccess() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup =
                MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup());
        findLoadedClass = lookup.findVirtual(ClassLoader.class, "findLoadedClass",
                MethodType.methodType(Class.class, String.class));
        defineClass = lookup.findVirtual(ClassLoader.class, "defineClass", MethodType.methodType(
                Class.class, String.class, byte[].class, int.class, int.class));
        defineInBootLoader = lookup.findStatic(ClassLoader.class, "defineClass1", MethodType.methodType(
                Class.class, ClassLoader.class, String.class, byte[].class, int.class, int.class,
                ProtectionDomain.class, String.class));
    }

    @Override
    public Class<?> apply(ClassLoader loader, Map.Entry<String, byte[]> nameAndClassFile) {
        String name = nameAndClassFile.getKey();
        byte[] classFile = nameAndClassFile.getValue();
        try {
            Class<?> present = loader == null ? bootClass(name) : (Class<?>) findLoadedClass.invoke(loader, name);
            if (present != null) {
                return present;
            }
            return loader == null
                    ? (Class<?>) defineInBootLoader.invoke(null, name, classFile, 0, classFile.length, null, null)
                    : (Class<?>) defineClass.invoke(loader, name, classFile, 0, classFile.length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Class<?> bootClass(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}

package dev.jmesh.agent.tooling;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * Puts {@code dev.jmesh.bootstrap} in the boot loader, where instrumented JDK classes can see
 * it. The classes travel inside the agent jar as a nested jar, not as class files, so that the
 * system class loader can never load a second copy of them.
 */
public final class BootstrapClasses {

    private static final String NESTED_JAR = "META-INF/jmesh/jmesh-bootstrap.jar";

    private BootstrapClasses() {}

    public static void define(ClassDefiner definer) throws IOException {
        definer.defineInBootLoader(read());
    }

    private static Map<String, byte[]> read() throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(AgentJar.read(NESTED_JAR)))) {
            for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                String path = entry.getName();
                if (path.endsWith(".class") && !path.endsWith("module-info.class")) {
                    String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
                    classes.put(name, jar.readAllBytes());
                }
            }
        }
        return classes;
    }
}

package dev.jmesh.agent.tooling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The agent's own class files and resources, read straight from its jar. Not through the class
 * loader's {@code getResourceAsStream}: in premain its first use sets up URL and jar-connection
 * machinery that costs the application's start several milliseconds.
 */
public final class AgentJar {

    /** The agent's jar, open for the JVM's life as the class loader keeps it; null when run from classes (tests). */
    private static final JarFile JAR = open();

    private AgentJar() {}

    /** The entry's bytes, e.g. {@code dev/jmesh/agent/Version.class}. */
    public static byte[] read(String entry) throws IOException {
        if (JAR != null) {
            ZipEntry found = JAR.getEntry(entry);
            if (found == null) {
                throw new IOException("agent jar has no " + entry);
            }
            try (InputStream in = JAR.getInputStream(found)) {
                return in.readAllBytes();
            }
        }
        try (InputStream in = AgentJar.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("agent has no " + entry);
            }
            return in.readAllBytes();
        }
    }

    private static JarFile open() {
        try {
            Path location = Path.of(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? new JarFile(location.toFile(), false) : null;
        } catch (Exception e) {
            return null; // read through the class loader instead
        }
    }
}

package dev.jmesh.agent;

import dev.jmesh.agent.tooling.AgentJar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, as built. */
public final class Version {

    private static final Properties BUILT = read();

    private Version() {}

    public static String get() {
        return BUILT.getProperty("version", "unknown");
    }

    /**
     * This very build: the version and when it was built, so that no two builds share woven
     * classes; {@code null} for a build that does not say when it was built.
     */
    public static String build() {
        String built = BUILT.getProperty("built", "");
        return built.isEmpty() || built.startsWith("$") ? null : get() + "-" + built;
    }

    private static Properties read() {
        Properties properties = new Properties();
        try (InputStream in = new ByteArrayInputStream(AgentJar.read("META-INF/jmesh/version.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            // "unknown": the agent runs, and shares no cache with any build
        }
        return properties;
    }
}

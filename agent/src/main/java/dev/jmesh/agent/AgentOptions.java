package dev.jmesh.agent;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the agent's settings come from, first found wins: the agent argument
 * ({@code -javaagent:jmesh-agent.jar=config=/etc/jmesh/mesh.yaml}), the system property
 * {@code jmesh.config}, the environment variable {@code JMESH_CONFIG}.
 *
 * @param configPath the policy file, or {@code null} when none is named
 */
public record AgentOptions(Path configPath) {

    public static final String CONFIG_PROPERTY = "jmesh.config";
    public static final String CONFIG_ENV = "JMESH_CONFIG";

    /**
     * Parses {@code key=value} pairs separated by commas.
     *
     * @throws IllegalArgumentException for an unknown key or a pair without '='
     */
    public static AgentOptions parse(String arguments, Properties properties, Map<String, String> env) {
        Map<String, String> pairs = pairs(arguments);
        String config = pairs.remove("config");
        if (!pairs.isEmpty()) {
            throw new IllegalArgumentException("unknown agent option(s) " + pairs.keySet() + "; known: config");
        }
        if (config == null || config.isBlank()) {
            config = properties.getProperty(CONFIG_PROPERTY);
        }
        if (config == null || config.isBlank()) {
            config = env.get(CONFIG_ENV);
        }
        return new AgentOptions(config == null || config.isBlank() ? null : Path.of(config.trim()));
    }

    private static Map<String, String> pairs(String arguments) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return pairs;
        }
        for (String pair : arguments.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agent option '" + pair + "' is not key=value");
            }
            pairs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return pairs;
    }
}

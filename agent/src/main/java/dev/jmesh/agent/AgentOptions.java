package dev.jmesh.agent;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the agent's settings come from, first found wins: the agent argument
 * ({@code -javaagent:jmesh-agent.jar=config=/etc/jmesh/mesh.yaml,cache=/var/cache/jmesh}), the
 * system property ({@code jmesh.config}, {@code jmesh.cache}), the environment variable
 * ({@code JMESH_CONFIG}, {@code JMESH_CACHE}).
 *
 * @param configPath the policy file, or {@code null} when none is named
 * @param weaveCache where woven classes are kept between runs, or {@code null} for none
 *                   ({@code cache=off}); by default {@code $XDG_CACHE_HOME/jmesh/weave}, else
 *                   {@code ~/.cache/jmesh/weave}
 */
public record AgentOptions(Path configPath, Path weaveCache) {

    public static final String CONFIG_PROPERTY = "jmesh.config";
    public static final String CONFIG_ENV = "JMESH_CONFIG";
    public static final String CACHE_PROPERTY = "jmesh.cache";
    public static final String CACHE_ENV = "JMESH_CACHE";

    /**
     * Parses {@code key=value} pairs separated by commas.
     *
     * @throws IllegalArgumentException for an unknown key or a pair without '='
     */
    public static AgentOptions parse(String arguments, Properties properties, Map<String, String> env) {
        Map<String, String> pairs = pairs(arguments);
        String config = first(pairs.remove("config"), properties.getProperty(CONFIG_PROPERTY), env.get(CONFIG_ENV));
        String cache = first(pairs.remove("cache"), properties.getProperty(CACHE_PROPERTY), env.get(CACHE_ENV));
        if (!pairs.isEmpty()) {
            throw new IllegalArgumentException("unknown agent option(s) " + pairs.keySet() + "; known: config, cache");
        }
        return new AgentOptions(config == null ? null : Path.of(config), weaveCache(cache, properties, env));
    }

    private static Path weaveCache(String named, Properties properties, Map<String, String> env) {
        if (named != null) {
            return named.equals("off") ? null : Path.of(named);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "jmesh", "weave");
        }
        String home = properties.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "jmesh", "weave");
    }

    /** The first value that is set and not blank, trimmed; or {@code null}. */
    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
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

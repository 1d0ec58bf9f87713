package dev.jmesh.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

    static Properties props(String config) {
        Properties p = new Properties();
        if (config != null) {
            p.setProperty(AgentOptions.CONFIG_PROPERTY, config);
        }
        return p;
    }

    @Test
    void agentArgumentWinsOverPropertyOverEnvironment() {
        Map<String, String> env = Map.of(AgentOptions.CONFIG_ENV, "/env.yaml");
        assertEquals(Path.of("/arg.yaml"), AgentOptions.parse("config=/arg.yaml", props("/prop.yaml"), env).configPath());
        assertEquals(Path.of("/prop.yaml"), AgentOptions.parse(null, props("/prop.yaml"), env).configPath());
        assertEquals(Path.of("/env.yaml"), AgentOptions.parse("", props(null), env).configPath());
        assertNull(AgentOptions.parse(null, props(null), Map.of()).configPath());
    }

    @Test
    void theWeaveCacheIsNamedLikeThePolicyOrDefaultsToTheUsersCacheDirectory() {
        Properties home = props(null);
        home.setProperty("user.home", "/home/app");
        assertEquals(Path.of("/home/app/.cache/jmesh/weave"), AgentOptions.parse(null, home, Map.of()).weaveCache());
        assertEquals(Path.of("/xdg/jmesh/weave"),
                AgentOptions.parse(null, home, Map.of("XDG_CACHE_HOME", "/xdg")).weaveCache());
        assertEquals(Path.of("/env"), AgentOptions.parse(null, home, Map.of(AgentOptions.CACHE_ENV, "/env")).weaveCache());
        home.setProperty(AgentOptions.CACHE_PROPERTY, "/prop");
        assertEquals(Path.of("/prop"), AgentOptions.parse(null, home, Map.of(AgentOptions.CACHE_ENV, "/env")).weaveCache());
        assertEquals(Path.of("/arg"), AgentOptions.parse("cache=/arg", home, Map.of()).weaveCache());
        assertNull(AgentOptions.parse("config=/p.yaml,cache=off", home, Map.of()).weaveCache());
    }

    @Test
    void unknownOrMalformedOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("conf=/x", props(null), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("config", props(null), Map.of()));
    }
}

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
    void unknownOrMalformedOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("conf=/x", props(null), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("config", props(null), Map.of()));
    }
}

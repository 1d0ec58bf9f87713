package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.total;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.ReactorNettyApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reactor Netty's HTTP client (and so Spring's {@code WebClient}) with its defaults — Netty's
 * DNS resolver and the native epoll transport — routed per connection: a mesh name reaches an
 * endpoint with the endpoint's port, new connections are balanced, and the logical name stays
 * the {@code Host}.
 */
class NettyHttpRoutingTest {

    @TempDir
    Path dir;
    final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void reactorNettyReachesTheServiceByNameBalancedPerConnection(Jdk jdk) throws Exception {
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.start("r" + i));
        }
        Backend decoy = Backend.start("decoy");
        backends.add(decoy);
        Path policy = Policy.write(dir, """
                services:
                  equal:
                    endpoints: [ %s, %s, %s ]
                """.formatted(backends.get(0).address(), backends.get(1).address(), backends.get(2).address()));
        String pooled = "http://equal:" + decoy.port() + "/pooled";
        String fresh = "http://equal/fresh";
        AppJvm.Result result;
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("netty", "reactor-netty"))
                .run(ReactorNettyApp.class.getName(), List.of("6*" + pooled, "--new-connections", "30*" + fresh))) {
            result = app.await();
        }
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(Map.of(200, 6), result.statusesFor(pooled), result::toString);
        assertEquals(0, decoy.hits(), "no request reached the endpoints' host on the application's port");
        assertEquals(List.of("equal:" + decoy.port()), result.fieldValues(pooled, "host"));

        Map<String, Integer> spread = result.backendsFor(fresh);
        assertEquals(30, total(spread), spread::toString);
        for (int i = 0; i < 3; i++) {
            assertTrue(spread.getOrDefault("r" + i, 0) >= 5, "each new connection balanced: " + spread);
        }
        assertEquals(List.of("equal"), result.fieldValues(fresh, "host"));
        assertTrue(result.stderr().stream().noneMatch(line -> line.contains("not the shape")), result::toString);
    }
}

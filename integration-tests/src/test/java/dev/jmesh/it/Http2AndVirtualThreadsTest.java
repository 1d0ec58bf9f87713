package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static dev.jmesh.it.HttpRoutingTest.assertNear;
import static dev.jmesh.it.HttpRoutingTest.total;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 multiplexes every request on one connection per authority, so per-request balancing
 * must hold per endpoint connection; and virtual threads must route like platform threads.
 */
class Http2AndVirtualThreadsTest {

    static final String ORDERS = "http://orders/h2";

    @TempDir
    static Path dir;
    static List<Backend> backends = new ArrayList<>();
    static Path policy;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.start("h" + i));
        }
        policy = Policy.write(dir, """
                services:
                  orders:
                    endpoints: [ %s, %s, %s ]
                """.formatted(backends.get(0).address(), backends.get(1).address(), backends.get(2).address()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    static Stream<Arguments> http2Clients() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : Jdk.values()) {
            all.add(Arguments.of(jdk, "jdk-sync+h2", "okhttp4"));
            all.add(Arguments.of(jdk, "jdk-async+h2", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-sync+h2", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-async+h2", "okhttp5"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} ({2})")
    @MethodSource("http2Clients")
    void http2RequestsAreBalancedPerRequest(Jdk jdk, String client, String libs) throws Exception {
        AppJvm.Result result = run(jdk, client, libs);
        Map<String, Integer> split = result.backendsFor(ORDERS);
        assertEquals(60, total(split), result::toString);
        for (Backend b : backends) {
            assertNear(20, split.getOrDefault(b.name(), 0), 5, "h2 split " + split);
        }
        assertEquals(List.of("HTTP/2.0"), result.fieldValues(ORDERS, "protocol"), result::toString);
        assertEquals(List.of("orders"), result.fieldValues(ORDERS, "host"), ":authority keeps the logical name");
    }

    @Test
    void virtualThreadsRouteOnJdk25() throws Exception {
        AppJvm.Result result = run(Jdk.JDK25, "jdk-virtual", "okhttp4");
        Map<String, Integer> split = result.backendsFor(ORDERS);
        assertEquals(60, total(split), result::toString);
        for (Backend b : backends) {
            assertNear(20, split.getOrDefault(b.name(), 0), 5, "virtual-thread split " + split);
        }
        assertEquals(List.of("true"), result.fieldValues(ORDERS, "virtual"));
    }

    private static AppJvm.Result run(Jdk jdk, String client, String libs) throws Exception {
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath(libs))
                .run(CALLER, List.of(client, "60*" + ORDERS))) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            assertEquals(List.of(), result.errors());
            return result;
        }
    }
}

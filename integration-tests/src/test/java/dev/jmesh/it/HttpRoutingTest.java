package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * An unmodified application calls {@code http://equal/...} and {@code http://weighted/...}
 * with each client library, in a real JVM with the agent, on JDK 17 and JDK 25; three real
 * servers answer.
 */
class HttpRoutingTest {

    static final String CALLER = "dev.jmesh.it.app.CallerApp";
    static final String EQUAL = "http://equal/items";
    static final String WEIGHTED = "http://weighted/items?sort=asc";

    @TempDir
    static Path dir;
    static Backend b0;
    static Backend b1;
    static Backend b2;
    static Path policy;

    @BeforeAll
    static void startBackends() throws Exception {
        b0 = Backend.start("b0");
        b1 = Backend.start("b1");
        b2 = Backend.start("b2");
        policy = Policy.write(dir, """
                workload: it-caller
                services:
                  equal:
                    endpoints: [ %s, %s, %s ]
                  weighted:
                    balancer: weighted-round-robin
                    endpoints:
                      - { address: %s, weight: 1 }
                      - { address: %s, weight: 3 }
                """.formatted(b0.address(), b1.address(), b2.address(), b0.address(), b1.address()));
    }

    @AfterAll
    static void stopBackends() throws Exception {
        for (Backend b : new Backend[] {b0, b1, b2}) {
            if (b != null) {
                b.close();
            }
        }
    }

    static Stream<Arguments> clients() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : Jdk.values()) {
            all.add(Arguments.of(jdk, "jdk-sync", "okhttp4"));
            all.add(Arguments.of(jdk, "jdk-async", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-sync", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-async", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-sync", "okhttp5"));
            all.add(Arguments.of(jdk, "okhttp-async", "okhttp5"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} ({2})")
    @MethodSource("clients")
    void everyRequestIsBalancedAndUnknownHostsPassThrough(Jdk jdk, String client, String libs) throws Exception {
        String direct = "http://localhost:" + b2.port() + "/direct";
        AppJvm.Result result;
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath(libs))
                .run(CALLER, List.of(client, "60*" + EQUAL, "80*" + WEIGHTED, "5*" + direct))) {
            result = app.await();
        }

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), result.errors());
        assertTrue(result.stderr().stream().anyMatch(l -> l.startsWith("jmesh: ") && l.contains(" started in ")),
                result::toString);

        Map<String, Integer> equal = result.backendsFor(EQUAL);
        assertEquals(60, total(equal), equal::toString);
        for (Backend b : List.of(b0, b1, b2)) {
            assertNear(20, equal.getOrDefault(b.name(), 0), 5, "equal split " + equal);
        }
        Map<String, Integer> weighted = result.backendsFor(WEIGHTED);
        assertEquals(80, total(weighted), weighted::toString);
        assertNear(20, weighted.getOrDefault("b0", 0), 5, "1:3 split " + weighted);
        assertNear(60, weighted.getOrDefault("b1", 0), 5, "1:3 split " + weighted);

        // The server sees the logical name as Host, as it would behind a sidecar.
        assertEquals(List.of("equal"), result.fieldValues(EQUAL, "host"));
        assertEquals(List.of("weighted"), result.fieldValues(WEIGHTED, "host"));
        // A host the mesh does not know goes where the application said, untouched.
        assertEquals(Map.of("b2", 5), result.backendsFor(direct));
        assertEquals(List.of("localhost:" + b2.port()), result.fieldValues(direct, "host"));
    }

    /** The control: the same application without the agent cannot reach a mesh name at all. */
    @Test
    void withoutTheAgentMeshNamesDoNotResolve() throws Exception {
        AppJvm.Result result;
        try (AppJvm app = AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("jdk-sync", EQUAL))) {
            result = app.await();
        }
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.errors().get(0).contains("ConnectException")
                || result.errors().get(0).contains("UnknownHost"), result::toString);
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    static void assertNear(int expected, int actual, int tolerance, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + " ± " + tolerance + " but was " + actual);
    }
}

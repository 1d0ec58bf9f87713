package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The control for {@link ClientConformanceTest}, where every client library routes: without
 * the agent, mesh names do not resolve at all.
 */
class HttpRoutingTest {

    static final String CALLER = "dev.jmesh.it.app.CallerApp";

    /** The control: the same application without the agent cannot reach a mesh name at all. */
    @Test
    void withoutTheAgentMeshNamesDoNotResolve() throws Exception {
        AppJvm.Result result;
        try (AppJvm app = AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("jdk-sync", "http://equal/items"))) {
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

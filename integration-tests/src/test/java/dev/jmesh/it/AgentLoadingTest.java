package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
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

/** Every way of loading the agent and naming its policy, on real JVMs. */
class AgentLoadingTest {

    static final String ORDERS = "http://orders/load";

    @TempDir
    static Path dir;
    static Backend backend;
    static Path policy;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start("only");
        policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
    }

    @AfterAll
    static void stop() throws Exception {
        backend.close();
    }

    @Test
    void javaToolOptionsLoadsTheAgentAsAContainerWould() throws Exception {
        AppJvm.Result result = runToEnd(AppJvm.on(Jdk.JDK17)
                .env("JAVA_TOOL_OPTIONS", AppJvm.agentOption(policy)));
        assertEquals(Map.of("only", 3), result.backendsFor(ORDERS), result::toString);
    }

    @Test
    void policyPathFromSystemProperty() throws Exception {
        AppJvm.Result result = runToEnd(AppJvm.on(Jdk.JDK17).withAgent(null).jvmOption("-Djmesh.config=" + policy));
        assertEquals(Map.of("only", 3), result.backendsFor(ORDERS), result::toString);
    }

    @Test
    void policyPathFromEnvironment() throws Exception {
        AppJvm.Result result = runToEnd(AppJvm.on(Jdk.JDK25).withAgent(null).env("JMESH_CONFIG", policy.toString()));
        assertEquals(Map.of("only", 3), result.backendsFor(ORDERS), result::toString);
    }

    static Stream<Arguments> attachCases() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : Jdk.values()) {
            all.add(Arguments.of(jdk, "jdk-sync", "okhttp4"));
            all.add(Arguments.of(jdk, "okhttp-sync", "okhttp5"));
        }
        return all.stream();
    }

    /**
     * The application has already made a call (its client classes are loaded and in use) when
     * the agent is attached; from then on its calls route.
     */
    @ParameterizedTest(name = "{0} {1} ({2})")
    @MethodSource("attachCases")
    void attachToARunningJvmRetransformsLoadedClients(Jdk jdk, String client, String libs) throws Exception {
        String warmup = "http://" + backend.address() + "/warmup";
        try (AppJvm app = AppJvm.on(jdk).classPath(AppJvm.classPath(libs))
                .run(CALLER, List.of(client, "3*" + ORDERS, "--warmup", warmup, "--await-stdin"))) {
            app.awaitLine("READY"::equals);

            AppJvm.Result attach;
            try (AppJvm cli = AppJvm.on(jdk).runAgentCli("attach", Long.toString(app.pid()), "config=" + policy)) {
                attach = cli.await();
            }
            assertEquals(0, attach.exitCode(), attach::toString);
            assertTrue(attach.stdout().get(0).contains("attached to " + app.pid()), attach::toString);
            // A second attach is refused by the running agent, which keeps routing as before.
            try (AppJvm again = AppJvm.on(jdk).runAgentCli("attach", Long.toString(app.pid()), "config=" + policy)) {
                assertEquals(0, again.await().exitCode());
            }

            app.writeLine("go");
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            assertEquals(Map.of("only", 3), result.backendsFor(ORDERS), result::toString);
            assertEquals(1, result.stderr().stream().filter(l -> l.contains(" attached in ")).count(), result::toString);
            assertTrue(result.stderr().stream().anyMatch(l -> l.equals("jmesh: already running in this JVM; ignoring the second start")),
                    result::toString);
        }
    }

    private static AppJvm.Result runToEnd(AppJvm.Builder builder) throws Exception {
        try (AppJvm app = builder.classPath(AppJvm.classPath("okhttp4")).run(CALLER, List.of("jdk-sync", "3*" + ORDERS))) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            return result;
        }
    }
}

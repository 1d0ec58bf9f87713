package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the agent loads into an application, and what it says about a library it does not instrument. */
class StartupTest {

    @TempDir
    Path dir;

    /**
     * The agent's own footprint, counted rather than timed: classes are most of its start-up
     * cost, and a general-purpose weaver alone was hundreds of them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk-sync", "okhttp-sync"})
    void anAppCallingTheMeshLoadsNoGeneralPurposeWeaverAndFewAgentClasses(String client) throws Exception {
        Path classLog = dir.resolve("classes.txt");
        try (Backend backend = Backend.start("b")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).jvmOption("-Xlog:class+load:file=" + classLog)
                    .classPath(AppJvm.classPath("okhttp4")).run(CALLER, List.of(client, "http://orders/"))) {
                AppJvm.Result result = app.await();
                assertEquals(Map.of(200, 1), result.statusesFor("http://orders/"), result::toString);
            }
        }
        List<String> agentClasses;
        try (var lines = Files.lines(classLog)) {
            agentClasses = lines.filter(line -> line.contains(" dev.jmesh.")).toList();
        }
        assertEquals(0, agentClasses.stream().filter(line -> line.contains("bytebuddy")).count(), "no Byte Buddy");
        // ASM's reader and writer are a few dozen classes; the rest is the agent's own (config, routing, metrics).
        long asm = agentClasses.stream().filter(line -> line.contains(".objectweb.asm.")).count();
        assertTrue(asm > 0 && asm <= 40, asm + " ASM classes");
        assertTrue(agentClasses.size() <= 320, agentClasses.size() + " agent classes loaded");
    }

    /** OkHttp 3.14 builds its chain with another constructor: refused whole, in one line naming it. */
    @Test
    void aLibraryOfAnotherShapeIsNamedInOneLineAndItsCallsPassThrough() throws Exception {
        try (Backend backend = Backend.start("b")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            String direct = "http://" + backend.address() + "/";
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp3"))
                    .run(CALLER, List.of("okhttp-sync", direct, "http://orders/"))) {
                AppJvm.Result result = app.await();
                assertEquals(Map.of(200, 1), result.statusesFor(direct), result::toString);
                String meshCall = result.linesFor("http://orders/").get(0);
                assertTrue(meshCall.startsWith("ERROR ") && meshCall.contains("UnknownHostException"), result::toString);
                List<String> refusals = result.stderr().stream().filter(line -> line.startsWith("jmesh: okhttp: ")).toList();
                assertEquals(1, refusals.size(), result::toString);
                assertTrue(refusals.get(0).contains("okhttp3.internal.http.RealInterceptorChain")
                        && refusals.get(0).contains("okhttp-3.14.9.jar")
                        && refusals.get(0).contains("its calls pass through unrouted"), refusals.get(0));
            }
        }
    }
}

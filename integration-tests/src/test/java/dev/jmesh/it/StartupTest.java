package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.ClassLoadingApp;
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
     * cost. The first run weaves with ASM's reader and writer (a few dozen classes); the next
     * one is answered by the weave cache and loads no weaver at all.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk-sync", "okhttp-sync"})
    void aSecondRunLoadsNoWeaverAndTheAgentStaysAFewHundredClasses(String client) throws Exception {
        Path cache = dir.resolve("cache");
        try (Backend backend = Backend.start("b")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            List<String> first = agentClasses(client, policy, cache, "first");
            List<String> second = agentClasses(client, policy, cache, "second");
            assertEquals(0, first.stream().filter(line -> line.contains("bytebuddy")).count(), "no Byte Buddy");
            long asm = first.stream().filter(line -> line.contains(".objectweb.asm.")).count();
            assertTrue(asm > 0 && asm <= 40, asm + " ASM classes at the first run");
            assertEquals(List.of(), second.stream().filter(line -> line.contains(".objectweb.asm.")).toList(),
                    "the second run's classes come from the cache");
            assertTrue(first.size() <= 320, first.size() + " agent classes loaded");
        }
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cache)));
    }

    /** JVMs starting at once on an empty cache: every one routes, and what they wrote serves the next. */
    @Test
    void jvmsStartingAtOnceShareTheWeaveCache() throws Exception {
        Path cache = dir.resolve("cache");
        try (Backend backend = Backend.start("b")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            List<AppJvm> apps = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                apps.add(AppJvm.on(Jdk.JDK17).withAgent(policy).jvmOption("-Djmesh.cache=" + cache)
                        .classPath(AppJvm.classPath("okhttp4")).run(CALLER, List.of(i % 2 == 0 ? "jdk-sync" : "okhttp-sync",
                                "http://orders/")));
            }
            for (AppJvm app : apps) {
                try (app) {
                    AppJvm.Result result = app.await();
                    assertEquals(Map.of(200, 1), result.statusesFor("http://orders/"), result::toString);
                    assertTrue(result.stderr().stream().noneMatch(line -> line.contains("weave cache")), result::toString);
                }
            }
            for (String client : List.of("jdk-sync", "okhttp-sync")) {
                assertEquals(List.of(), agentClasses(client, policy, cache, "after-" + client).stream()
                        .filter(line -> line.contains(".objectweb.asm.")).toList(), client);
            }
        }
    }

    /** The agent classes an app calling {@code http://orders/} with {@code client} loaded. */
    private List<String> agentClasses(String client, Path policy, Path cache, String run) throws Exception {
        Path classLog = dir.resolve(run + "-classes.txt");
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).jvmOption("-Djmesh.cache=" + cache)
                .jvmOption("-Xlog:class+load:file=" + classLog)
                .classPath(AppJvm.classPath("okhttp4")).run(CALLER, List.of(client, "http://orders/"))) {
            AppJvm.Result result = app.await();
            assertEquals(Map.of(200, 1), result.statusesFor("http://orders/"), result::toString);
        }
        try (var lines = Files.lines(classLog)) {
            return lines.filter(line -> line.contains(" dev.jmesh.")).toList();
        }
    }

    /** OkHttp 3.8 lacks members the interceptor uses: refused whole, in one line naming the jar and what is missing. */
    @Test
    void aLibraryOfAnotherShapeIsNamedInOneLineAndItsCallsPassThrough() throws Exception {
        try (Backend backend = Backend.start("b")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            String direct = "http://" + backend.address() + "/";
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp38"))
                    .run(CALLER, List.of("okhttp-sync", direct, "http://orders/"))) {
                AppJvm.Result result = app.await();
                assertEquals(Map.of(200, 1), result.statusesFor(direct), result::toString);
                String meshCall = result.linesFor("http://orders/").get(0);
                assertTrue(meshCall.startsWith("ERROR ") && meshCall.contains("UnknownHostException"), result::toString);
                List<String> refusals = result.stderr().stream().filter(line -> line.startsWith("jmesh: okhttp: ")).toList();
                assertEquals(1, refusals.size(), result::toString);
                assertTrue(refusals.get(0).contains("okhttp3.internal.http.RealInterceptorChain")
                        && refusals.get(0).contains("okhttp-3.8.1.jar")
                        // What the interceptor uses and 3.8 lacks, found before anything was woven.
                        && refusals.get(0).contains("okhttp3.Interceptor$Chain.withConnectTimeout(int, TimeUnit) is missing")
                        && refusals.get(0).contains("its calls pass through unrouted"), refusals.get(0));
            }
        }
    }

    /** A client jmesh does not route is named in one line when it loads, never skipped silently. */
    @Test
    void aClientJmeshDoesNotRouteIsNamedInOneLine() throws Exception {
        String jetty = "org.eclipse.jetty.client.HttpClient";
        Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ 127.0.0.1:9 ]\n");
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("jetty-client"))
                .run(ClassLoadingApp.class.getName(), List.of(jetty))) {
            AppJvm.Result result = app.await();
            assertEquals(List.of("LOADED " + jetty), result.stdout(), result::toString);
            List<String> notices = result.stderr().stream().filter(line -> line.startsWith("jmesh: unrouted: ")).toList();
            assertEquals(1, notices.size(), result::toString);
            assertTrue(notices.get(0).contains(jetty) && notices.get(0).contains("jetty-client-")
                    && notices.get(0).contains("does not route yet"), notices.get(0));
        }
    }
}

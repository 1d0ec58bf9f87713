package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent costs an application at start. */
class StartupTest {

    @TempDir
    Path dir;

    @Test
    void byteBuddysMachineryLoadsOnlyWhenAnInstrumentedLibraryDoes() throws Exception {
        Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ 127.0.0.1:9 ]\n");
        Path idleLog = dir.resolve("idle-classes.txt");
        Path busyLog = dir.resolve("busy-classes.txt");
        try (Backend backend = Backend.start("b")) {
            // No call at all: the agent starts, routes nothing, and never needs Byte Buddy.
            run(policy, idleLog, List.of("jdk-sync"));
            // One call with the JDK client: now the client's classes are rewritten.
            run(policy, busyLog, List.of("jdk-sync", "http://" + backend.address() + "/"));
        }
        // A few interfaces that signatures name load either way; the weaving machinery is hundreds of classes.
        long idle = count(idleLog, "dev.jmesh.shaded.net.bytebuddy");
        long busy = count(busyLog, "dev.jmesh.shaded.net.bytebuddy");
        assertTrue(idle < 20, idle + " Byte Buddy classes loaded by an app without HTTP calls");
        assertTrue(busy > 300, busy + " Byte Buddy classes once the JDK client was instrumented");
    }

    private static void run(Path policy, Path classLog, List<String> args) throws Exception {
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).jvmOption("-Xlog:class+load:file=" + classLog)
                .classPath(AppJvm.classPath("okhttp4")).run(CALLER, args)) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(result.stderr().get(0).contains(" started in "), result::toString);
        }
    }

    private static long count(Path classLog, String prefix) throws Exception {
        try (var lines = Files.lines(classLog)) {
            return lines.filter(line -> line.contains(" " + prefix)).count();
        }
    }
}

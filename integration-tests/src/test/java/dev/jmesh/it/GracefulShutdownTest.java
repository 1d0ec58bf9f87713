package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM exits (here {@code System.exit}; a SIGTERM runs the same hooks) while a call is in
 * flight: the agent lets it finish within the drain time, and only within it.
 */
class GracefulShutdownTest {

    static final String URL = "http://slow/";

    @TempDir
    Path dir;

    @Test
    void aCallInFlightAtExitFinishesWithinTheDrainTime() throws Exception {
        try (Backend slow = Backend.start("slow").delaying(1500)) {
            AppJvm.Result result = exitDuringACall(slow, "");
            assertTrue(result.stdout().contains("EXIT"), result::toString);
            List<String> lines = result.linesFor(URL);
            assertEquals(1, lines.size(), "the call finished after the exit began: " + result);
            assertTrue(lines.get(0).startsWith("RESULT " + URL + " 200 "), result::toString);
            assertTrue(result.stderr().stream().anyMatch(line -> line.contains("shutdown: 1 call(s) in flight finished in")),
                    result::toString);
        }
    }

    @Test
    void aCallLongerThanTheDrainTimeIsNotWaitedFor() throws Exception {
        try (Backend slow = Backend.start("slow").delaying(10_000)) {
            long start = System.nanoTime();
            AppJvm.Result result = exitDuringACall(slow, "drainTime: 300ms\n");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(), result.linesFor(URL), "the JVM halted before the call answered: " + result);
            assertTrue(result.stderr().stream().anyMatch(line -> line.contains(
                    "shutdown: 1 of 1 call(s) in flight still running after the drain time 300ms")), result::toString);
            assertTrue(millis < 10_000, "the exit did not wait for the 10 s call: " + millis + " ms");
        }
    }

    private AppJvm.Result exitDuringACall(Backend backend, String extra) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  slow:
                    endpoints: [ %s ]
                """.formatted(backend.address()) + extra);
        try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run("dev.jmesh.it.app.CallerApp", List.of("jdk-sync", URL, "--exit-on-input"))) {
            backend.awaitHits(1); // the call is in flight: the backend holds it
            caller.writeLine("exit");
            return caller.await();
        }
    }
}

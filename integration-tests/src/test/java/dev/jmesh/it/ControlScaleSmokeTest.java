package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane scale harness, {@code scripts/control-scale.sh}, run as a user runs it but
 * with 200 links instead of 5,000, so that it cannot rot: every link gets every change, and the
 * report has its figures.
 */
class ControlScaleSmokeTest {

    @TempDir
    Path dir;

    @Test
    void twoHundredLinksGetEveryChange() throws Exception {
        Path report = dir.resolve("scale.md");
        Path log = dir.resolve("scale.log");
        ProcessBuilder builder = new ProcessBuilder(PerformanceHarnessSmokeTest.ROOT.resolve("scripts/control-scale.sh").toString(),
                "--links", "200", "--rounds", "2", "--out", report.toString())
                .directory(PerformanceHarnessSmokeTest.ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SCALE_SKIP_BUILD", "1"); // the reactor built both jars before these tests
        builder.environment().put("SCALE_JAVA", Jdk.JDK17.java().toString());
        Process script = builder.start();
        if (!script.waitFor(120, TimeUnit.SECONDS)) {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
            throw new AssertionError("scripts/control-scale.sh did not finish:\n" + Files.readString(log));
        }
        assertEquals(0, script.exitValue(), () -> readQuietly(log));
        String text = Files.readString(report);
        assertTrue(text.contains("| 200 (200 connected at the end) |"), text);
        Matcher p99 = Pattern.compile("propagation p99 \\| ([0-9.]+) ms").matcher(text);
        assertTrue(p99.find(), text);
        assertTrue(Double.parseDouble(p99.group(1)) < 1000, text);
        assertTrue(text.contains("| link errors (lost links, failed connects) | 0 |"), text);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The application brings its own, older SnakeYAML and Byte Buddy; both it and the mesh work. */
class IsolationTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void appLibrariesAndAgentLibrariesDoNotMeet(Jdk jdk) throws Exception {
        try (Backend backend = Backend.start("iso")) {
            Path policy = Policy.write(dir, "services:\n  orders:\n    endpoints: [ " + backend.address() + " ]\n");
            AppJvm.Result result;
            try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("okhttp4", "isolation"))
                    .run("dev.jmesh.it.app.IsolationApp", List.of("okhttp-sync", "2*http://orders/iso"))) {
                result = app.await();
            }
            assertEquals(0, result.exitCode(), result::toString);
            String yaml = line(result, "APP-SNAKEYAML ");
            assertTrue(yaml.contains("snakeyaml-1.33.jar") && yaml.contains("parsed={answer=42}"), yaml);
            String bb = line(result, "APP-BYTEBUDDY ");
            assertTrue(bb.contains("byte-buddy-1.14.18.jar") && bb.contains("made by the app's Byte Buddy"), bb);
            assertEquals(Map.of("iso", 2), result.backendsFor("http://orders/iso"));
        }
    }

    @Test
    void agentJarHoldsNothingOutsideItsOwnNamespace() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(AppJvm.AGENT_JAR.toFile())) {
            List<String> strays = jar.stream()
                    .map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.startsWith("dev/jmesh/"))
                    .collect(java.util.stream.Collectors.toList());
            assertEquals(List.of(), strays);
        }
    }

    private static String line(AppJvm.Result result, String prefix) {
        return result.stdout().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line: " + result));
    }
}

package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File loading, and hostile input: resource limits and type tags. */
class SafetyAndFilesTest {

    @TempDir
    Path dir;

    @Test
    void parsesFile() throws IOException {
        Path file = Files.writeString(dir.resolve("mesh.yaml"), lines("workload: web", "admin: {port: 9901}"));
        ParseResult result = ConfigParser.parse(file);
        assertTrue(result.ok());
        assertEquals(9901, result.config().admin().port());
    }

    @Test
    void fileProblemsUseTheGivenFileName() throws IOException {
        Path file = Files.writeString(dir.resolve("mesh.yaml"), lines("workload: web", "bogus: 1"));
        ConfigProblem problem = ConfigParser.parse(file).errors().get(0);
        assertEquals(file.toString(), problem.source());
        assertEquals(file + ":2:1: unknown key 'bogus' (expected one of: workload, admin, services, control, inbound, identity, drainTime, zone, namespace, app, version, cluster, accessLog)", problem.toString());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope/mesh.yaml");
        ParseResult result = ConfigParser.parse(file);
        assertNull(result.config());
        assertEquals(1, result.errors().size());
        ConfigProblem problem = result.errors().get(0);
        assertEquals(new ConfigProblem(file.toString(), 0, 0,
                "cannot read policy file: " + file + " (No such file or directory)"), problem);
        assertEquals(file + ": cannot read policy file: " + file + " (No such file or directory)", problem.toString());
    }

    @Test
    void directoryInsteadOfFile() {
        ConfigProblem problem = ConfigParser.parse(dir).errors().get(0);
        assertEquals(0, problem.line());
        assertTrue(problem.message().startsWith("cannot read policy file: " + dir + " ("), problem.message());
    }

    @Test
    void invalidUtf8() throws IOException {
        Path file = Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertEquals("cannot read policy file: " + file + " (not valid UTF-8)",
                ConfigParser.parse(file).errors().get(0).message());
    }

    @Test
    void relativePathIsReportedAsGiven() throws IOException {
        Path file = Path.of("target", "does-not-exist.yaml");
        assertEquals("target/does-not-exist.yaml", ConfigParser.parse(file).errors().get(0).source());
    }

    @Test
    void emptyFileOnDisk() throws IOException {
        Path file = Files.write(dir.resolve("empty.yaml"), new byte[0]);
        assertEquals(file + ":1:1: empty policy file", ConfigParser.parse(file).errors().get(0).toString());
    }

    @Test
    void aliasBombIsRejected() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 60; i++) {
            yaml.append("b").append(i).append(": &b").append(i).append(" [*a, *a]\n");
        }
        singleError(yaml.toString(), 0, 0, "cannot parse policy file: Number of aliases");
    }

    @Test
    void deepNestingIsRejected() {
        singleError("workload: " + "[".repeat(100) + "]".repeat(100) + "\n", 0, 0, "Nesting Depth exceeded");
    }

    @Test
    void hugeDocumentIsRejected() {
        String yaml = "workload: '" + "x".repeat(ConfigParser.MAX_CODE_POINTS) + "'\n";
        singleError(yaml, 0, 0, "exceeds the limit");
    }

    @Test
    void recursiveStructuresDoNotHang() {
        // A recursive value is reported like any other wrong value; the schema walk is bounded.
        ParseResult result = parse(lines("services: &s", "  a: *s"));
        assertEquals(2, result.errors().size(), result.errors()::toString);
        assertTrue(result.errors().get(0).message().startsWith("unknown key 'a'"));
        assertTrue(result.errors().get(1).message().startsWith("missing required key 'endpoints'"));
    }

    @Test
    void globalTypeTagsAreRejected() {
        singleError(lines(
                "admin: {port: 1}",
                "workload: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]"),
                2, 11, "Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager");
    }

    @Test
    void localTagsAreJustIgnoredText() {
        // Nothing is ever constructed from a tag; the schema only looks at node kinds and text.
        singleError("admin: !thing [1]\n", 1, 8, "expected a mapping, got a sequence");
    }

    @Test
    void textIsReadAsUtf8() throws IOException {
        Path file = Files.write(dir.resolve("u.yaml"),
                lines("services:", "  s:", "    endpoints: [{address: h:1, zone: \"zürich\"}]")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals("zürich", ConfigParser.parse(file).config().services().get("s").endpoints().get(0).zone());
    }
}

package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Test helpers: build YAML line by line (so columns are easy to count) and check problems. */
final class TestPolicies {

    private TestPolicies() {}

    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    static ParseResult parse(String yaml) {
        FastYamlTest.assertSameTreeAsSnakeYaml(yaml);
        return ConfigParser.parse(yaml, "mesh.yaml");
    }

    static MeshConfig valid(String yaml) {
        ParseResult result = parse(yaml);
        assertTrue(result.ok(), () -> "expected no errors, got " + result.errors());
        assertNotNull(result.config());
        return result.config();
    }

    /** Asserts the text has exactly one error, at the given position, containing the fragment. */
    static ConfigProblem singleError(String yaml, int line, int column, String fragment) {
        ParseResult result = parse(yaml);
        assertNull(result.config(), "config must be null when there are errors");
        assertEquals(1, result.errors().size(), () -> "expected one error, got " + result.errors());
        ConfigProblem problem = result.errors().get(0);
        assertProblem(problem, line, column, fragment);
        return problem;
    }

    static void assertProblem(ConfigProblem problem, int line, int column, String fragment) {
        if (!problem.message().contains(fragment)) {
            fail("expected message containing \"" + fragment + "\", got: " + problem);
        }
        assertEquals(line + ":" + column, problem.line() + ":" + problem.column(), () -> "position of " + problem);
    }

    static void assertPositions(List<ConfigProblem> problems, String... positions) {
        List<String> actual = problems.stream().map(p -> p.line() + ":" + p.column()).toList();
        assertEquals(List.of(positions), actual, () -> "problems: " + problems);
    }
}

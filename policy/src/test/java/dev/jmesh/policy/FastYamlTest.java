package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@link FastYaml} composes exactly SnakeYAML's tree, or leaves the text to SnakeYAML. Every
 * policy the config tests parse through {@link TestPolicies#parse} is checked the same way.
 */
class FastYamlTest {

    /** When the fast composer answers, its tree is SnakeYAML's: kinds, tags, values, styles, positions. */
    static void assertSameTreeAsSnakeYaml(String text) {
        Node fast = FastYaml.compose(text);
        if (fast != null) {
            Node snake = new Composer(new ParserImpl(new StreamReader(text), new LoaderOptions()), new Resolver(),
                    new LoaderOptions()).getSingleNode();
            assertSame(snake, fast, "$", text);
        }
    }

    private static void assertSame(Node expected, Node actual, String path, String text) {
        String where = path + " in:\n" + text;
        assertEquals(expected.getClass(), actual.getClass(), where);
        assertEquals(expected.getTag(), actual.getTag(), where);
        assertEquals(expected.getStartMark().getLine(), actual.getStartMark().getLine(), "line of " + where);
        assertEquals(expected.getStartMark().getColumn(), actual.getStartMark().getColumn(), "column of " + where);
        if (expected instanceof ScalarNode scalar) {
            assertEquals(scalar.getValue(), ((ScalarNode) actual).getValue(), where);
            assertEquals(scalar.getScalarStyle(), ((ScalarNode) actual).getScalarStyle(), where);
        } else if (expected instanceof MappingNode mapping) {
            List<NodeTuple> fast = ((MappingNode) actual).getValue();
            assertEquals(mapping.getFlowStyle(), ((MappingNode) actual).getFlowStyle(), where);
            assertEquals(mapping.getValue().size(), fast.size(), where);
            for (int i = 0; i < fast.size(); i++) {
                assertSame(mapping.getValue().get(i).getKeyNode(), fast.get(i).getKeyNode(), path + ".key" + i, text);
                assertSame(mapping.getValue().get(i).getValueNode(), fast.get(i).getValueNode(), path + ".value" + i, text);
            }
        } else {
            SequenceNode sequence = (SequenceNode) expected;
            List<Node> fast = ((SequenceNode) actual).getValue();
            assertEquals(sequence.getFlowStyle(), ((SequenceNode) actual).getFlowStyle(), where);
            assertEquals(sequence.getValue().size(), fast.size(), where);
            for (int i = 0; i < fast.size(); i++) {
                assertSame(sequence.getValue().get(i), fast.get(i), path + "[" + i + "]", text);
            }
        }
    }

    /** The policies users copy: every YAML block of the README and the example's policy files. */
    static Stream<String> documentedPolicies() throws IOException {
        List<String> policies = new ArrayList<>();
        Path repository = Path.of("..").toAbsolutePath().normalize();
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(repository.resolve("README.md")));
        while (blocks.find()) {
            policies.add(blocks.group(1));
        }
        try (Stream<Path> files = Files.walk(repository.resolve("examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                policies.add(Files.readString(file));
            }
        }
        return policies.stream();
    }

    @ParameterizedTest
    @MethodSource("documentedPolicies")
    void theDocumentedPoliciesComposeAsSnakeYamlComposesThem(String policy) {
        assertSameTreeAsSnakeYaml(policy);
    }

    @ParameterizedTest
    @MethodSource("documentedPolicies")
    void everyDocumentedPolicyTakesTheFastPath(String policy) {
        assertNotNull(FastYaml.compose(policy), policy);
    }

    @Test
    void aTypicalPolicyIsComposedFast() {
        String policy = """
                workload: frontend   # this application
                admin: { port: 15000 }
                services:
                  orders:
                    endpoints:
                      - 10.0.1.5:8080
                      - { address: 10.0.1.6:8080, weight: 2, zone: b }
                      - address: "10.0.1.7:8080"
                        weight: 3
                    balancer: round-robin
                    hashKey: 'header:x-user-id'
                    timeout: 2s
                    retries:
                      attempts: 3
                      retryOn: [connect-failure, reset, 502, 503, 504]
                      backoff: { base: 25ms, max: 250ms }
                      budget: { ratio: 0.2, minPerSecond: 10 }
                    outlierDetection: {consecutiveErrors: 5, interval: 10s}
                  orders-db:
                    protocol: tcp
                    endpoints: [ 10.0.2.7:5432,
                                 10.0.2.8:5432 ]
                inbound:
                  allow:
                  - "spiffe://example.org/ns/default/sa/frontend"
                  mtls: strict
                """;
        assertNotNull(FastYaml.compose(policy));
        assertSameTreeAsSnakeYaml(policy);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "a: &x 1\nb: *x\n",                  // anchors and aliases
        "a: !!str 1\n",                      // tags
        "a: |\n  text\n",                    // block scalars
        "a: one\n  two\n",                   // a plain scalar going on
        "a: \"esc\\n\"\n",                   // escapes
        "a:\n\tb: 1\n",                      // a tab
        "---\na: 1\n",                       // document markers
        "a: 1\n---\nb: 2\n",
        "a:\nb: 1\n",                        // an empty value
        "a: 010\n", "a: 1_000\n", "a: 1e3\n", "a: 2001-12-14\n", "a: 1:30\n", "a: .5\n", // numbers in doubt
        "a: [1, 2, ]\n",                     // a trailing comma
        "a: { b }\n",                        // a key without a value
        "a: b: c\n",                         // a syntax error
        "a: [1, 2\n",                        // an unclosed sequence
        "? a\n: b\n",                        // a complex key
        "a: 'it''s\n  long'\n",              // a quoted scalar over two lines
        "- a\nb: 1\n",                       // a syntax error
        "a: -x\n",                           // -x: "x" could begin a hexadecimal number
        "",                                  // no document
    })
    void whatIsNotItsOwnIsLeftToSnakeYaml(String text) {
        assertNull(FastYaml.compose(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "a: yes\nb: No\nc: ~\nd: null\ne: true\nf: OFF\n",
        "a: 0\nb: -1\nc: +7\nd: 0.25\ne: -3.5\nf: 12.50\n",
        "a: 10.0.0.1\nb: 10.0.0.1:80\nc: 500ms\nd: 2s\ne: 1.5s\nf: abc\ng: yesterday\n",
        "a: 'true'\nb: \"1\"\nc: 'it''s'\n",
        "<<: 1\n",
        "a: [ ]\nb: { }\nc: [[1, 2], {x: 1}]\n",
        "list:\n- a\n- b\nnext: 1\n",
        "a:\n  - x: 1\n    y: [2]\n  - z\n",
        "a: http://host:80/path\nb: [http://host:80/path]\n",
        "a: -s1\nb: x-y\nc: x#y\nd: x # comment\n",
        "plain\n",
        "'quoted key': 1\n\"other\": 2\n",
    })
    void theScalarsAndShapesPoliciesUseComposeAsSnakeYamlComposesThem(String text) {
        assertNotNull(FastYaml.compose(text), text);
        assertSameTreeAsSnakeYaml(text);
    }
}

package dev.jmesh.policy;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Entry point: parses a YAML policy into a {@link MeshConfig} with strict, positioned validation.
 *
 * <p>Only a composer is used (text to node tree): {@link FastYaml}'s, or SnakeYAML's; no
 * constructor ever runs, so no Java type named in the file can be instantiated, and every value
 * keeps its line and column.
 */
public final class ConfigParser {

    /** Upper bound on policy size; a mesh policy is a few KiB, anything near this is a mistake. */
    static final int MAX_CODE_POINTS = 1024 * 1024;
    private static final long MAX_FILE_BYTES = 4L * MAX_CODE_POINTS; // UTF-8: <= 4 bytes/code point
    private static final String STRING_SOURCE = "<string>";

    private ConfigParser() {}

    /**
     * Parses policy text.
     *
     * @param sourceName name used in problems, e.g. the file name; null means {@code <string>}
     */
    public static ParseResult parse(String yamlText, String sourceName) {
        return parse(yamlText, sourceName, PolicyReader::read);
    }

    /**
     * Parses a document pushed by the control plane: only {@code services:}, with the same
     * strict rules (and messages) as the policy file.
     *
     * @param sourceName name used in problems, e.g. {@code snapshot 3f2a...}
     */
    public static ParseResult parsePushed(String yamlText, String sourceName) {
        return parse(yamlText, sourceName, PolicyReader::readPushed);
    }

    /**
     * Parses a control plane's rollouts file ({@code rollouts:} only); errors at line and
     * column, as for a policy file.
     */
    public static RolloutsResult parseRollouts(String yamlText, String sourceName) {
        Objects.requireNonNull(yamlText, "yamlText");
        Problems problems = new Problems(sourceName == null ? STRING_SOURCE : sourceName);
        Node root = compose(yamlText, problems);
        List<RolloutConfig> rollouts = root == null ? List.of() : new RolloutReader(problems).read(root);
        List<ConfigProblem> errors = problems.errors();
        return new RolloutsResult(errors.isEmpty() ? rollouts : null, errors);
    }

    private static ParseResult parse(String yamlText, String sourceName, BiFunction<PolicyReader, Node, MeshConfig> schema) {
        Objects.requireNonNull(yamlText, "yamlText");
        Problems problems = new Problems(sourceName == null ? STRING_SOURCE : sourceName);
        Node root = compose(yamlText, problems);
        MeshConfig config = root == null ? null : schema.apply(new PolicyReader(problems), root);
        return problems.result(config);
    }

    /** Reads and parses a UTF-8 policy file; an unreadable file is one problem at line 0. */
    public static ParseResult parse(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        String text;
        try {
            // Check the size first so a huge file fails fast instead of filling the heap.
            if (Files.size(file) > MAX_FILE_BYTES) {
                return fileError(source, "policy file too large: " + source + " (limit "
                        + MAX_FILE_BYTES + " bytes)");
            }
            text = readUtf8(file);
        } catch (IOException e) {
            return fileError(source, "cannot read policy file: " + source + " (" + reason(e) + ")");
        }
        return parse(text, source);
    }

    /**
     * The file as strict UTF-8. A plain stream rather than {@code Files.readString}: in premain,
     * the channel classes that one loads cost several milliseconds of the application's start.
     */
    private static String readUtf8(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            // "<path> (Permission denied)": the reason is the part in parentheses
            String message = e.getMessage() == null ? "" : e.getMessage();
            int open = message.lastIndexOf(" (");
            throw new IOException(open >= 0 && message.endsWith(")") ? message.substring(open + 2, message.length() - 1)
                    : message, e);
        }
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static ParseResult fileError(String source, String message) {
        Problems problems = new Problems(source);
        problems.errorAt(0, 0, message);
        return problems.result(null);
    }

    /** NIO exceptions often carry only the path; turn them into the familiar OS wording. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * Text to node tree; returns null (with a problem recorded) if there is nothing usable. The
     * YAML policies are written in is composed by {@link FastYaml}; anything else, and every
     * syntax error, by SnakeYAML.
     */
    private static Node compose(String text, Problems problems) {
        Node root = FastYaml.compose(text);
        if (root == null) {
            root = composeWithSnakeYaml(text, problems);
            if (problems.errorCount() > 0) {
                return null;
            }
        }
        // No document, or a document that is just "~": nothing to configure is almost surely a mistake.
        if (root == null || Nodes.isNull(root)) {
            problems.errorAt(1, 1, "empty policy file");
            return null;
        }
        return root;
    }

    private static Node composeWithSnakeYaml(String text, Problems problems) {
        LoaderOptions options = loaderOptions();
        Node root;
        try {
            StreamReader reader = new StreamReader(text);
            root = new Composer(new ParserImpl(reader, options), new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (problem != null && problem.startsWith("but ") && e.getContext() != null) {
                // e.g. "but found another document" only makes sense after its context
                problem = e.getContext() + ", " + problem;
            }
            String message = "syntax error: " + oneLine(problem);
            if (mark != null) {
                problems.error(mark, message);
            } else {
                problems.errorAt(0, 0, message);
            }
            return null;
        } catch (YAMLException e) {
            // Limits (size, aliases, nesting) are not tied to one position in the text.
            problems.errorAt(0, 0, "cannot parse policy file: " + oneLine(e.getMessage()));
            return null;
        }
        return root;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50); // defuses "billion laughs" alias bombs
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setProcessComments(false);
        return options;
    }

    private static String oneLine(String text) {
        return text == null ? "unknown error" : text.strip().replaceAll("\\s+", " ");
    }
}

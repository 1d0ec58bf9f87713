package dev.jmesh.control.server;

import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ConfigProblem;
import dev.jmesh.policy.ParseResult;
import dev.jmesh.policy.RolloutConfig;
import dev.jmesh.policy.RolloutsResult;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One file of the config directory, checked with the agent's own parser before any of it is
 * served.
 *
 * <p>Why two checks. Agents are pushed a composition, not the file: each configured service,
 * its {@code endpoints} replaced by the registered ones when its workload registers. So (1) the
 * file's own text goes through {@link ConfigParser#parsePushed}, and every error is reported at
 * the file's line and column in the agent's words; the one rule relaxed is that a service may
 * leave out {@code endpoints}, which then come from the registry. And (2) {@link ControlPlane}
 * parses every composed snapshot with {@code parsePushed} again and publishes only one that
 * passes, so what reaches an agent is always what its parser accepts, whatever the registry
 * (shared through ZooKeeper) holds. The services are kept as the file's node tree, not as Java
 * values, so the composition carries every scalar as written ({@code zone: on} stays "on") and
 * a file that passes (1) composes into a snapshot that passes (2).
 */
final class PolicyFile {

    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    /** The parser's words for a service without {@code endpoints}, up to the service's name. */
    private static final String MISSING_ENDPOINTS = "missing required key 'endpoints' in service '";

    private PolicyFile() {}

    /**
     * What one file holds and what the parser said about it.
     *
     * @param services each service's name with its key and its policy as written, in file order;
     *                 null when the file is refused (there are errors)
     * @param rollouts the rollouts of a rollouts file, in file order (none for a policy file)
     */
    record Checked(Map<String, NodeTuple> services, List<RolloutConfig> rollouts, List<ConfigProblem> errors,
                   List<ConfigProblem> warnings) {

        Checked {
            rollouts = List.copyOf(rollouts);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
            if (errors.isEmpty() == (services == null)) {
                throw new IllegalArgumentException("services must be null exactly when there are errors");
            }
        }

        boolean ok() {
            return services != null;
        }

        /** Every problem, warnings marked, in file order: what is logged and what {@code check} prints. */
        List<String> report() {
            List<Map.Entry<ConfigProblem, String>> lines = new ArrayList<>();
            errors.forEach(e -> lines.add(Map.entry(e, e.toString())));
            warnings.forEach(w -> lines.add(Map.entry(w, w + " (warning)")));
            lines.sort((a, b) -> a.getKey().line() != b.getKey().line()
                    ? Integer.compare(a.getKey().line(), b.getKey().line())
                    : Integer.compare(a.getKey().column(), b.getKey().column()));
            return lines.stream().map(Map.Entry::getValue).toList();
        }
    }

    /** Reads and checks {@code file}; a file that cannot be read is one error without a position. */
    static Checked read(Path file) {
        try {
            return check(file.toString(), text(file));
        } catch (IOException e) {
            return unreadable(file, e);
        }
    }

    /** The file's text: strict UTF-8, at most {@link #MAX_FILE_BYTES}. */
    static String text(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    }

    /** {@code file} could not be read: one error without a position. */
    static Checked unreadable(Path file, IOException e) {
        String reason = e instanceof CharacterCodingException ? "not valid UTF-8"
                : e instanceof NoSuchFileException ? "no such file"
                : String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        return failed(file.toString(), "cannot read: " + reason);
    }

    /**
     * Checks a file's text; {@code source} names it in problems. A file whose top level has
     * {@code rollouts:} is a rollouts file, read with the rollouts schema; any other is a policy file.
     */
    static Checked check(String source, String text) {
        if (isRollouts(text)) {
            RolloutsResult rollouts = ConfigParser.parseRollouts(text, source);
            return new Checked(rollouts.ok() ? Map.of() : null, rollouts.ok() ? rollouts.rollouts() : List.of(),
                    rollouts.errors(), List.of());
        }
        ParseResult parsed = ConfigParser.parsePushed(text, source);
        List<ConfigProblem> errors = parsed.errors();
        Map<String, NodeTuple> services = null;
        if (errors.stream().allMatch(e -> e.message().startsWith(MISSING_ENDPOINTS))) {
            Map<String, NodeTuple> composed = services(text);
            if (composed == null) { // the parser accepted what SnakeYAML cannot compose: not ours to serve
                return failed(source, "cannot compose the file's services");
            }
            errors = errors.stream().filter(e -> !isMissingEndpoints(e, composed)).toList();
            services = composed;
        }
        return new Checked(errors.isEmpty() ? services : null, List.of(), errors, parsed.warnings());
    }

    private static boolean isRollouts(String text) {
        try {
            return new Yaml(loaderOptions()).compose(new StringReader(text)) instanceof MappingNode top
                    && top.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode key
                    && key.getValue().equals("rollouts"));
        } catch (YAMLException e) {
            return false; // the policy parser says where the syntax is wrong
        }
    }

    /**
     * The parser's "missing required key 'endpoints'" for a service of this file, at that
     * service's key: not an error here, the service's endpoints come from the registry.
     */
    private static boolean isMissingEndpoints(ConfigProblem error, Map<String, NodeTuple> services) {
        for (Map.Entry<String, NodeTuple> e : services.entrySet()) {
            Node key = e.getValue().getKeyNode();
            if (error.message().equals(MISSING_ENDPOINTS + e.getKey() + "'")
                    && error.line() == key.getStartMark().getLine() + 1
                    && error.column() == key.getStartMark().getColumn() + 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * The services of a text the parser accepted (it checked the shape: one key, {@code
     * services}, a mapping of names to mappings), or null if SnakeYAML disagrees.
     */
    private static Map<String, NodeTuple> services(String text) {
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (YAMLException e) {
            return null;
        }
        if (!(root instanceof MappingNode mapping)) {
            return null;
        }
        Map<String, NodeTuple> services = new LinkedHashMap<>();
        for (NodeTuple top : mapping.getValue()) { // "services", the only key
            if (top.getValueNode() instanceof MappingNode byName) {
                for (NodeTuple service : byName.getValue()) {
                    if (!(service.getKeyNode() instanceof ScalarNode name) || !(service.getValueNode() instanceof MappingNode)) {
                        return null;
                    }
                    services.put(name.getValue(), service);
                }
            }
        }
        return services;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit((int) MAX_FILE_BYTES);
        return options;
    }

    private static Checked failed(String source, String message) {
        return new Checked(null, List.of(), List.of(new ConfigProblem(source, 0, 0, message)), List.of());
    }
}

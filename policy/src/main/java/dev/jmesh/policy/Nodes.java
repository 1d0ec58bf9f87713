package dev.jmesh.policy;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Type checks on YAML nodes; each reports a problem at the node and returns null on mismatch. */
final class Nodes {

    // Only plain decimal: YAML 1.1 would also read 0x1F, 0b101, 010 (octal!) and 1:30 as ints.
    // Same idea for fractions: no exponents, no ".5", no ".inf"/".nan".

    private final Problems problems;

    Nodes(Problems problems) {
        this.problems = problems;
    }

    /** True for an explicit or implicit null, e.g. {@code key:} with nothing after it. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** Short description of what a node is, for "expected X, got Y" messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a sequence";
        }
        if (isNull(node)) {
            return "an empty value";
        }
        String text = ((ScalarNode) node).getValue();
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    MappingNode mapping(Node node) {
        if (node instanceof MappingNode mapping) {
            return mapping;
        }
        problems.error(node, "expected a mapping, got " + describe(node));
        return null;
    }

    SequenceNode sequence(Node node) {
        if (node instanceof SequenceNode sequence) {
            return sequence;
        }
        problems.error(node, "expected a sequence, got " + describe(node));
        return null;
    }

    /** Any non-null scalar; its text is taken as written, so {@code zone: 1} is the string "1". */
    String string(Node node) {
        if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            return scalar.getValue();
        }
        problems.error(node, "expected a string, got " + describe(node));
        return null;
    }

    /** {@code http} or {@code tcp}: what a service, or the application's own port, serves. */
    Protocol protocol(Node node) {
        String name = string(node);
        if (name == null) {
            return null;
        }
        Protocol protocol = Protocol.fromConfigName(name).orElse(null);
        if (protocol == null) {
            problems.error(node, "unknown protocol '" + name + "' (expected http or tcp)");
        }
        return protocol;
    }

    /** A file or directory path; the file itself is not looked at. */
    Path path(Node node) {
        String text = string(node);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            problems.error(node, "path must not be empty");
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problems.error(node, "bad path '" + text + "': " + e.getReason());
            return null;
        }
    }

    /** A decimal integer in {@code min..max}; {@code what} names the value in range errors. */
    Integer integer(Node node, String what, int min, int max) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            problems.error(node, "expected a number, got " + describe(node));
            return null;
        }
        String text = scalar.getValue();
        if (!scalar.getTag().equals(Tag.INT)) {
            // A quoted number is a string in YAML; say so, it is an easy mistake to make.
            boolean quoted = scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
            String hint = quoted && Shapes.DECIMAL.matches(text) ? " (remove the quotes)" : "";
            problems.error(node, "expected a number, got " + describe(node) + hint);
            return null;
        }
        if (!Shapes.DECIMAL.matches(text)) {
            problems.error(node, "expected a decimal number, got " + describe(node));
            return null;
        }
        // More than 10 digits cannot fit an int; avoid parsing huge strings at all.
        long value = text.length() > 11 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min || value > max) {
            problems.error(node, what + " " + text + " out of range (expected " + min + ".." + max + ")");
            return null;
        }
        return (int) value;
    }

    /** A decimal number such as {@code 0.2} or {@code 1} in {@code min..max}. */
    Double decimal(Node node, String what, double min, double max) {
        ScalarNode scalar = typedScalar(node, "a number", Shapes.FRACTIONAL, Tag.INT, Tag.FLOAT);
        if (scalar == null) {
            return null;
        }
        String text = scalar.getValue();
        if (!Shapes.FRACTIONAL.matches(text)) {
            problems.error(node, "expected a decimal number such as 0.5, got " + describe(node));
            return null;
        }
        int point = text.indexOf('.');
        // That many integer digits is out of any range here; don't parse huge strings at all.
        double value = (point < 0 ? text.length() : point) > 16 ? Double.POSITIVE_INFINITY
                : Double.parseDouble(text);
        if (value < min || value > max) {
            problems.error(node, what + " " + text + " out of range (expected " + plain(min) + ".." + plain(max) + ")");
            return null;
        }
        return value;
    }

    /** {@code true} or {@code false}; YAML 1.1's yes/no/on/off are refused as too easy to misread. */
    Boolean bool(Node node) {
        ScalarNode scalar = typedScalar(node, "true or false", Shapes.BOOLEAN, Tag.BOOL);
        if (scalar == null) {
            return null;
        }
        return switch (scalar.getValue()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                problems.error(node, "expected true or false, got " + describe(node));
                yield null;
            }
        };
    }

    /** A hash key: {@code header:NAME}, {@code path}, {@code query:NAME} or {@code source-ip} (see {@link HashKeys}). */
    HashKey hashKey(Node node) {
        String text = string(node);
        if (text == null) {
            return null;
        }
        HashKeys.Parsed parsed = HashKeys.parse(text);
        if (parsed.error() != null) {
            problems.error(node, parsed.error());
        }
        return parsed.value();
    }

    /**
     * A duration such as {@code 500ms} or {@code 2s} (see {@link Durations}), greater than 0
     * unless {@code zeroAllowed}; {@code what} names the value in range errors.
     */
    Duration duration(Node node, String what, boolean zeroAllowed) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            problems.error(node, "expected a duration such as 500ms or 2s, got " + describe(node));
            return null;
        }
        Durations.Parsed parsed = Durations.parse(scalar.getValue());
        if (parsed.error() != null) {
            problems.error(node, parsed.error());
            return null;
        }
        if (!zeroAllowed && parsed.value().isZero()) {
            problems.error(node, what + " " + scalar.getValue() + " must be greater than 0");
            return null;
        }
        return parsed.value();
    }

    /**
     * The node as a scalar if YAML resolved it to one of {@code tags}; otherwise reports
     * "expected {@code expected}", hinting at quotes when quoted text matches {@code unquoted}.
     */
    private ScalarNode typedScalar(Node node, String expected, Shapes unquoted, Tag... tags) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            problems.error(node, "expected " + expected + ", got " + describe(node));
            return null;
        }
        if (!Arrays.asList(tags).contains(scalar.getTag())) {
            boolean quoted = scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
            String hint = quoted && unquoted.matches(scalar.getValue()) ? " (remove the quotes)" : "";
            problems.error(node, "expected " + expected + ", got " + describe(node) + hint);
            return null;
        }
        return scalar;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}

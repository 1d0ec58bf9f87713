package dev.jmesh.policy;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Composes the YAML that policy files are written in — block mappings and sequences, flow
 * collections, plain and quoted scalars, comments — into the node tree SnakeYAML's composer
 * would give (the same tags, values, styles and start positions), without SnakeYAML's scanner,
 * parser and resolver: in a JVM that is just starting they cost tens of milliseconds of the
 * application's start, for a file of a few lines.
 *
 * <p>Anything outside that subset — anchors, aliases, tags, block scalars, multi-line plain or
 * quoted scalars, escapes, tabs, several documents, an empty value, a plain scalar the YAML 1.1
 * rules might read as something other than a string, a number, a boolean or null — and every
 * syntax error are not this class's to judge: {@link #compose} answers {@code null}, and
 * SnakeYAML composes the text as it always did, with its own messages.
 */
final class FastYaml {

    private static final String NAME = "<string>";
    /** As deep as SnakeYAML is allowed to go ({@code ConfigParser}'s nesting limit); deeper is its to refuse. */
    private static final int MAX_DEPTH = 50;
    private static final int[] NO_BUFFER = new int[0];

    private final String text;
    private final int length;
    private int pos;
    private int line;
    private int lineStart;
    private int depth;

    /** Thrown inside to give the text to SnakeYAML; never leaves this class. */
    private static final class NotMine extends RuntimeException {

        NotMine() {
            super(null, null, false, false);
        }
    }

    private static final NotMine NOT_MINE = new NotMine();

    private FastYaml(String text) {
        this.text = text;
        this.length = text.length();
    }

    /** The document's node tree, or {@code null} when SnakeYAML should compose it. */
    static Node compose(String text) {
        if (text.length() > ConfigParser.MAX_CODE_POINTS) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n') || c == 0x7f || Character.isSurrogate(c) || c == '\uFEFF') {
                return null; // tabs, CR, control characters, code points beyond the BMP: SnakeYAML's
            }
        }
        try {
            return new FastYaml(text).document();
        } catch (NotMine | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private Node document() {
        skipBlank();
        if (pos >= length || startsWith("---") || startsWith("...") || text.charAt(pos) == '%') {
            throw NOT_MINE;
        }
        Node root = blockNode(-1);
        skipBlank();
        if (pos < length) {
            throw NOT_MINE;
        }
        return root;
    }

    // ---- block structure -------------------------------------------------------------------

    /** A node that starts at {@code pos}, on its own line or after a sequence's dash, more indented than {@code parent}. */
    private Node blockNode(int parent) {
        nest();
        int column = column();
        if (column <= parent) {
            throw NOT_MINE;
        }
        if (isSequenceDash(pos)) {
            SequenceNode sequence = blockSequence(column);
            depth--;
            return sequence;
        }
        if (isMappingKey()) {
            MappingNode mapping = blockMapping(column);
            depth--;
            return mapping;
        }
        Node value = inlineValue();
        endOfLine();
        depth--;
        return value;
    }

    private void nest() {
        if (++depth > MAX_DEPTH) {
            throw NOT_MINE;
        }
    }

    private MappingNode blockMapping(int column) {
        Mark start = mark();
        List<NodeTuple> tuples = new ArrayList<>();
        while (true) {
            Node key = key();
            pos++; // ':'
            skipSpaces();
            Node value;
            if (atLineEnd()) {
                skipBlank();
                if (pos >= length || column() < column) {
                    throw NOT_MINE; // an empty value
                }
                if (column() == column) {
                    if (!isSequenceDash(pos)) {
                        throw NOT_MINE; // an empty value, then the next key
                    }
                    value = blockSequence(column); // "key:\n- a": a sequence at the key's own indent
                } else {
                    value = blockNode(column);
                }
            } else {
                value = inlineValue();
                endOfLine();
            }
            tuples.add(new NodeTuple(key, value));
            skipBlank();
            if (pos >= length || column() < column) {
                break;
            }
            if (column() > column || isSequenceDash(pos) || !isMappingKey()) {
                throw NOT_MINE;
            }
        }
        return new MappingNode(Tag.MAP, true, tuples, start, start, FlowStyle.BLOCK);
    }

    private SequenceNode blockSequence(int column) {
        Mark start = mark();
        List<Node> items = new ArrayList<>();
        while (true) {
            pos++; // '-'
            skipSpaces();
            Node item;
            if (atLineEnd()) {
                skipBlank();
                if (pos >= length || column() <= column) {
                    throw NOT_MINE; // an empty item
                }
                item = blockNode(column);
            } else if (isSequenceDash(pos)) {
                throw NOT_MINE; // "- - a"
            } else if (isMappingKey()) {
                item = blockMapping(column()); // "- address: ...", the mapping's keys at the first key's column
            } else {
                item = inlineValue();
                endOfLine();
            }
            items.add(item);
            skipBlank();
            if (pos >= length || column() < column || (column() == column && !isSequenceDash(pos))) {
                break;
            }
            if (column() > column) {
                throw NOT_MINE;
            }
        }
        return new SequenceNode(Tag.SEQ, true, items, start, start, FlowStyle.BLOCK);
    }

    /** Whether a mapping key (plain or quoted, then ':' and a space or the line's end) starts at {@code pos}. */
    private boolean isMappingKey() {
        int saved = pos;
        int savedLine = line;
        int savedLineStart = lineStart;
        try {
            key();
            return true;
        } catch (NotMine e) {
            return false;
        } finally {
            pos = saved;
            line = savedLine;
            lineStart = savedLineStart;
        }
    }

    /** A key on this line, leaving {@code pos} at its ':'. */
    private ScalarNode key() {
        char c = text.charAt(pos);
        ScalarNode key;
        if (c == '\'' || c == '"') {
            key = quoted();
            skipSpaces();
        } else {
            Mark start = mark();
            int from = pos;
            while (pos < length && text.charAt(pos) != '\n' && !(text.charAt(pos) == ':' && isBlankAt(pos + 1))) {
                if (text.charAt(pos) == '#' && pos > from && text.charAt(pos - 1) == ' ') {
                    throw NOT_MINE;
                }
                pos++;
            }
            key = plain(text.substring(from, pos).stripTrailing(), start);
        }
        if (pos >= length || text.charAt(pos) != ':' || !isBlankAt(pos + 1)) {
            throw NOT_MINE;
        }
        return key;
    }

    /** A value that ends on this line (a flow collection may span lines): flow, quoted or plain. */
    private Node inlineValue() {
        char c = text.charAt(pos);
        if (c == '[' || c == '{') {
            return flow();
        }
        if (c == '\'' || c == '"') {
            return quoted();
        }
        Mark start = mark();
        int from = pos;
        while (pos < length && text.charAt(pos) != '\n') {
            char here = text.charAt(pos);
            if ((here == '#' && text.charAt(pos - 1) == ' ') || (here == ':' && isBlankAt(pos + 1))) {
                break;
            }
            pos++;
        }
        if (pos < length && text.charAt(pos) == ':') {
            throw NOT_MINE; // "a: b: c"
        }
        return plain(text.substring(from, pos).stripTrailing(), start);
    }

    // ---- flow collections ------------------------------------------------------------------

    private Node flow() {
        nest();
        Mark start = mark();
        boolean mapping = text.charAt(pos) == '{';
        char close = mapping ? '}' : ']';
        pos++;
        List<NodeTuple> tuples = new ArrayList<>();
        List<Node> items = new ArrayList<>();
        skipFlowBlank();
        if (text.charAt(pos) == close) {
            pos++;
        } else {
            while (true) {
                if (mapping) {
                    Node key = flowScalar(true);
                    skipFlowBlank();
                    if (text.charAt(pos) != ':') {
                        throw NOT_MINE; // "{ a }"
                    }
                    pos++;
                    skipFlowBlank();
                    tuples.add(new NodeTuple(key, flowNode()));
                } else {
                    items.add(flowNode());
                }
                skipFlowBlank();
                char c = text.charAt(pos);
                pos++;
                if (c == close) {
                    break;
                }
                if (c != ',') {
                    throw NOT_MINE;
                }
                skipFlowBlank();
                if (text.charAt(pos) == close || text.charAt(pos) == ',') {
                    throw NOT_MINE; // a trailing or doubled comma
                }
            }
        }
        depth--;
        return mapping ? new MappingNode(Tag.MAP, true, tuples, start, start, FlowStyle.FLOW)
                : new SequenceNode(Tag.SEQ, true, items, start, start, FlowStyle.FLOW);
    }

    private Node flowNode() {
        char c = text.charAt(pos);
        return c == '[' || c == '{' ? flow() : flowScalar(false);
    }

    /** A quoted or plain scalar inside a flow collection; a plain one ends at ',', a bracket, ": " or " #". */
    private ScalarNode flowScalar(boolean key) {
        char c = text.charAt(pos);
        if (c == '\'' || c == '"') {
            return quoted();
        }
        Mark start = mark();
        int from = pos;
        while (pos < length) {
            char here = text.charAt(pos);
            if (here == '\n' || here == ',' || here == '[' || here == ']' || here == '{' || here == '}'
                    || (here == '#' && text.charAt(pos - 1) == ' ')) {
                break;
            }
            if (here == ':' && (isBlankAt(pos + 1) || key)) {
                break;
            }
            pos++;
        }
        if (pos < length && text.charAt(pos) == '\n') {
            throw NOT_MINE; // a plain scalar going on to the next line
        }
        return plain(text.substring(from, pos).stripTrailing(), start);
    }

    // ---- scalars ---------------------------------------------------------------------------

    /** A single- or double-quoted scalar on one line; a double-quoted one without escapes. */
    private ScalarNode quoted() {
        Mark start = mark();
        char quote = text.charAt(pos);
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            char c = text.charAt(pos);
            if (c == '\n' || (quote == '"' && c == '\\')) {
                throw NOT_MINE;
            }
            pos++;
            if (c == quote) {
                if (quote == '\'' && pos < length && text.charAt(pos) == '\'') {
                    value.append('\'');
                    pos++;
                    continue;
                }
                break;
            }
            value.append(c);
        }
        return new ScalarNode(Tag.STR, true, value.toString(), start, start,
                quote == '\'' ? ScalarStyle.SINGLE_QUOTED : ScalarStyle.DOUBLE_QUOTED);
    }

    private static ScalarNode plain(String value, Mark start) {
        if (value.isEmpty() || "&*!|>%@`?:-,[]{}#'\"".indexOf(value.charAt(0)) >= 0
                && !(value.charAt(0) == '-' && value.length() > 1 && value.charAt(1) != ' ')) {
            throw NOT_MINE; // an indicator, or nothing: SnakeYAML's to read
        }
        Tag tag = PlainScalars.tag(value);
        if (tag == null) {
            throw NOT_MINE;
        }
        return new ScalarNode(tag, true, value, start, start, ScalarStyle.PLAIN);
    }

    // ---- positions and blanks --------------------------------------------------------------

    private Mark mark() {
        return new Mark(NAME, pos, line, pos - lineStart, NO_BUFFER, 0);
    }

    private int column() {
        return pos - lineStart;
    }

    private boolean startsWith(String prefix) {
        return text.startsWith(prefix, pos);
    }

    private boolean isBlankAt(int at) {
        return at >= length || text.charAt(at) == ' ' || text.charAt(at) == '\n';
    }

    private boolean isSequenceDash(int at) {
        return text.charAt(at) == '-' && isBlankAt(at + 1);
    }

    private void skipSpaces() {
        while (pos < length && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    /** Whether only a comment or nothing is left on this line. */
    private boolean atLineEnd() {
        return pos >= length || text.charAt(pos) == '\n' || text.charAt(pos) == '#';
    }

    /** After a value: only spaces and a comment may follow on its line. */
    private void endOfLine() {
        skipSpaces();
        if (!atLineEnd()) {
            throw NOT_MINE;
        }
    }

    /** Past spaces, comments and line breaks, to the next content or the end. */
    private void skipBlank() {
        while (pos < length) {
            char c = text.charAt(pos);
            if (c == ' ') {
                pos++;
            } else if (c == '#') {
                while (pos < length && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else {
                return;
            }
        }
    }

    /** The same inside a flow collection, where a line's indentation means nothing. */
    private void skipFlowBlank() {
        skipBlank();
        if (pos >= length) {
            throw NOT_MINE;
        }
    }
}

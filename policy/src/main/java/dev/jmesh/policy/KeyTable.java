package dev.jmesh.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The known keys of one mapping in the schema, each with the code that reads its value.
 * Supporting a new key in the policy file means adding one {@code optional}/{@code required} line.
 */
final class KeyTable {

    /** One key/value pair of a mapping, with the key's node for error positions. */
    record Entry(String name, ScalarNode key, Node value) {}

    private record Rule(boolean required, Consumer<Entry> reader) {}

    private final String owner;
    private final Map<String, Rule> rules = new LinkedHashMap<>(); // ordered: used in messages

    /** @param owner what the mapping is, for messages, e.g. {@code service 'orders'} */
    KeyTable(String owner) {
        this.owner = owner;
    }

    KeyTable required(String key, Consumer<Entry> reader) {
        rules.put(key, new Rule(true, reader));
        return this;
    }

    KeyTable optional(String key, Consumer<Entry> reader) {
        rules.put(key, new Rule(false, reader));
        return this;
    }

    /**
     * Reports unknown, duplicate and missing keys and hands each known value to its reader.
     *
     * @param missingAt where to report missing required keys, usually the key that owns the mapping
     */
    void walk(MappingNode mapping, Node missingAt, Problems problems) {
        Set<String> present = new HashSet<>();
        for (Entry entry : entries(mapping, problems)) {
            Rule rule = rules.get(entry.name());
            if (rule == null) {
                problems.error(entry.key(), "unknown key '" + entry.name()
                        + "' (expected one of: " + String.join(", ", rules.keySet()) + ")");
                continue;
            }
            present.add(entry.name());
            rule.reader().accept(entry);
        }
        rules.forEach((key, rule) -> {
            if (rule.required() && !present.contains(key)) {
                problems.error(missingAt, "missing required key '" + key + "' in " + owner);
            }
        });
    }

    /**
     * The entries of a mapping with string keys, in file order. Non-string keys, merge keys and
     * repeated keys are reported and left out, so callers only see each key once.
     */
    static List<Entry> entries(MappingNode mapping, Problems problems) {
        List<Entry> entries = new ArrayList<>();
        Map<String, ScalarNode> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                problems.error(keyNode, "expected a string key, got " + Nodes.describe(keyNode));
                continue;
            }
            if (key.getTag().equals(Tag.MERGE)) {
                // Merges are resolved by SnakeYAML's constructor, which we deliberately don't use.
                problems.error(key, "merge keys ('<<') are not supported");
                continue;
            }
            ScalarNode first = seen.putIfAbsent(key.getValue(), key);
            if (first != null) {
                problems.error(key, "duplicate key '" + key.getValue()
                        + "' (first defined at line " + (first.getStartMark().getLine() + 1) + ")");
                continue;
            }
            entries.add(new Entry(key.getValue(), key, tuple.getValueNode()));
        }
        return entries;
    }
}

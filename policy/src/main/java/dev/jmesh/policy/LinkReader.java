package dev.jmesh.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The policy's {@code control:} section: the link to the control plane. */
final class LinkReader {

    private final Problems problems;
    private final Nodes nodes;

    LinkReader(Problems problems, Nodes nodes) {
        this.problems = problems;
        this.nodes = nodes;
    }

    ControlConfig control(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        ControlDraft draft = new ControlDraft();
        new KeyTable("control")
                .required("servers", e -> draft.servers = servers(e.value()))
                .optional("tokenFile", e -> draft.tokenFile = nodes.path(e.value()))
                .optional("cacheDir", e -> draft.cacheDir = nodes.path(e.value()))
                .optional("trustBundle", e -> draft.trustBundle = nodes.path(e.value()))
                .walk(mapping, entry.key(), problems);
        return problems.errorCount() == errorsBefore
                ? new ControlConfig(draft.servers, draft.tokenFile, draft.cacheDir, draft.trustBundle) : null;
    }

    private static final class ControlDraft {
        List<String> servers = List.of();
        Path tokenFile;
        Path cacheDir;
        Path trustBundle;
    }

    /** {@code host:port} of each replica, by the endpoint address rules, no repeats. */
    private List<String> servers(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return List.of();
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(sequence, "servers must not be empty");
            return List.of();
        }
        List<String> servers = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String text = nodes.string(item);
            if (text == null) {
                continue;
            }
            String error = Addresses.parseEndpoint(text).error();
            if (error != null) {
                problems.error(item, error);
            } else if (servers.contains(text)) {
                problems.error(item, "duplicate server '" + text + "'");
            } else {
                servers.add(text);
            }
        }
        return servers;
    }

    static String render(ControlConfig control) {
        StringBuilder out = new StringBuilder("{ servers: [ ").append(control.servers().stream()
                .map(s -> '"' + s + '"').collect(Collectors.joining(", "))).append(" ]");
        if (control.tokenFile() != null) {
            out.append(", tokenFile: \"").append(control.tokenFile()).append('"');
        }
        if (control.trustBundle() != null) {
            out.append(", trustBundle: \"").append(control.trustBundle()).append('"');
        }
        if (control.cacheDir() != null) {
            out.append(", cacheDir: \"").append(control.cacheDir()).append('"');
        }
        return out.append(" }").toString();
    }
}

package dev.jmesh.policy;

import java.nio.file.Path;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The telemetry keys at the top of a policy: this workload's {@code namespace}, {@code app},
 * {@code version} and {@code cluster}, and {@code accessLog:}. Reads them into a draft that
 * {@link PolicyReader} hands over, and writes them back.
 */
final class TelemetryReader {

    private final Problems problems;
    private final Nodes nodes;

    TelemetryReader(Problems problems, Nodes nodes) {
        this.problems = problems;
        this.nodes = nodes;
    }

    /** The keys as read so far; each key sets its own field. */
    static final class Draft {
        String namespace;
        String app;
        String version;
        String cluster;
        Path accessLog;

        TelemetryConfig build() {
            return new TelemetryConfig(namespace, app, version, cluster, accessLog);
        }
    }

    String namespace(Node node) {
        String text = nodes.string(node);
        if (text != null && !Shapes.NAME.matches(text)) {
            problems.error(node, "bad namespace '" + text + "': use lower-case letters, digits, '-' and '.'");
            return null;
        }
        return text;
    }

    /** {@code app}, {@code version}, {@code cluster}: label values. */
    String labelValue(Node node, String key) {
        String text = nodes.string(node);
        if (text != null && !TelemetryConfig.isLabelValue(text)) {
            problems.error(node, "bad " + key + " '" + text + "': use letters, digits, '-', '_' and '.', starting"
                    + " and ending with a letter or digit, at most " + TelemetryConfig.MAX_LABEL_VALUE + " characters");
            return null;
        }
        return text;
    }

    /** {@code accessLog: { path: FILE }}, {@code "-"} for standard error. */
    Path accessLog(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        Path[] path = new Path[1];
        new KeyTable("accessLog")
                .required("path", e -> path[0] = nodes.path(e.value()))
                .walk(mapping, entry.key(), problems);
        return path[0];
    }

    /** The keys the file wrote, one line each, in the order of the contract. */
    static void render(TelemetryConfig telemetry, StringBuilder out) {
        line(out, "namespace", telemetry.namespace());
        line(out, "app", telemetry.app());
        line(out, "version", telemetry.version());
        line(out, "cluster", telemetry.cluster());
        if (telemetry.accessLog() != null) {
            out.append("accessLog: { path: ").append(TrafficReader.quoted(telemetry.accessLog().toString())).append(" }\n");
        }
    }

    private static void line(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append(": ").append(TrafficReader.quoted(value)).append('\n');
        }
    }
}

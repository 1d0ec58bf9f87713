package dev.jmesh.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The schema of a rollouts file ({@code rollouts:}, one entry per service; see ARCHITECTURE
 * "Rollouts"). What the file alone can tell is checked here; whether the service and its
 * subsets exist is the control plane's to check, against the services it serves.
 */
final class RolloutReader {

    private static final Pattern PERCENT = Pattern.compile("(100|[0-9]{1,2})(\\.[0-9]{1,3})?%");
    private static final Pattern RATIO = Pattern.compile("([0-9]{1,3})(\\.[0-9]{1,3})?x");

    private final Problems problems;
    private final Nodes nodes;

    RolloutReader(Problems problems) {
        this.problems = problems;
        this.nodes = new Nodes(problems);
    }

    List<RolloutConfig> read(Node root) {
        List<RolloutConfig> rollouts = new ArrayList<>();
        MappingNode top = nodes.mapping(root);
        if (top == null) {
            return rollouts;
        }
        new KeyTable("a rollouts file").required("rollouts", e -> {
            MappingNode byService = nodes.mapping(e.value());
            if (byService == null) {
                return;
            }
            for (KeyTable.Entry service : KeyTable.entries(byService, problems)) {
                RolloutConfig rollout = rollout(service);
                if (rollout != null) {
                    rollouts.add(rollout);
                }
            }
        }).walk(top, top, problems);
        return rollouts;
    }

    private static final class Draft {
        String from;
        String to;
        ScalarNode fromNode;
        ScalarNode toNode;
        List<Integer> steps;
        Duration interval;
        RolloutConfig.Analysis analysis;
    }

    private RolloutConfig rollout(KeyTable.Entry service) {
        if (!Shapes.NAME.matches(service.name())) {
            problems.error(service.key(), "invalid service name '" + service.name() + "'");
            return null;
        }
        MappingNode mapping = nodes.mapping(service.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        Draft draft = new Draft();
        new KeyTable("rollout '" + service.name() + "'")
                .required("from", e -> {
                    draft.from = subset(e.value());
                    draft.fromNode = (ScalarNode) (draft.from == null ? null : e.value());
                })
                .required("to", e -> {
                    draft.to = subset(e.value());
                    draft.toNode = (ScalarNode) (draft.to == null ? null : e.value());
                })
                .required("steps", e -> draft.steps = steps(e.value()))
                .required("interval", e -> draft.interval = nodes.duration(e.value(), "interval", false))
                .required("analysis", e -> draft.analysis = analysis(e.value()))
                .walk(mapping, service.key(), problems);
        if (draft.from != null && draft.from.equals(draft.to)) {
            problems.error(draft.toNode, "a rollout moves traffic to another subset: 'to' is 'from'");
        }
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        return new RolloutConfig(service.name(), draft.from, draft.to, draft.steps, draft.interval, draft.analysis,
                new RolloutConfig.Positions(position(service.key()), position(draft.fromNode), position(draft.toNode)));
    }

    private String subset(Node node) {
        String name = nodes.string(node);
        if (name != null && !Shapes.NAME.matches(name)) {
            problems.error(node, "invalid subset name '" + name + "'");
            return null;
        }
        return name;
    }

    /** Percent to {@code to}, each 1..100, rising, the last 100. */
    private List<Integer> steps(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return null;
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(node, "steps must not be empty: the last step is 100");
            return null;
        }
        int errorsBefore = problems.errorCount();
        List<Integer> steps = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            Integer percent = nodes.integer(item, "step", 1, 100);
            if (percent == null) {
                continue;
            }
            if (!steps.isEmpty() && percent <= steps.get(steps.size() - 1)) {
                problems.error(item, "steps must rise: " + percent + " after " + steps.get(steps.size() - 1));
            }
            steps.add(percent);
        }
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        if (steps.get(steps.size() - 1) != 100) {
            problems.error(sequence.getValue().get(steps.size() - 1), "steps must end at 100, not "
                    + steps.get(steps.size() - 1) + ": a rollout ends with every call on the new subset");
            return null;
        }
        return steps;
    }

    private RolloutConfig.Analysis analysis(Node node) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        long[] minRequests = {0};
        double[] maxErrorRate = {-1};
        Duration[] maxP99 = {null};
        double[] maxP99Ratio = {0};
        new KeyTable("analysis")
                .required("minRequests", e -> {
                    Integer n = nodes.integer(e.value(), "minRequests", 1, 100_000_000);
                    minRequests[0] = n == null ? 0 : n;
                })
                .required("maxErrorRate", e -> maxErrorRate[0] = percent(e.value()))
                .optional("maxP99", e -> {
                    String text = nodes.string(e.value());
                    if (text == null) {
                        return;
                    }
                    Matcher ratio = RATIO.matcher(text);
                    if (ratio.matches()) {
                        maxP99Ratio[0] = Double.parseDouble(text.substring(0, text.length() - 1));
                        if (maxP99Ratio[0] < 1) {
                            problems.error(e.value(), "maxP99 " + text + " is below 1x: the old subset itself would fail it");
                        }
                    } else {
                        maxP99[0] = nodes.duration(e.value(), "maxP99", false);
                    }
                })
                .walk(mapping, mapping, problems);
        return problems.errorCount() == errorsBefore
                ? new RolloutConfig.Analysis(minRequests[0], maxErrorRate[0], maxP99[0], maxP99Ratio[0]) : null;
    }

    /** {@code 1%}, {@code 0.5%}: a share, 0..1. */
    private double percent(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return -1;
        }
        if (!PERCENT.matcher(text).matches() || Double.parseDouble(text.substring(0, text.length() - 1)) > 100) {
            problems.error(node, "expected a percentage such as 1% or 0.5%, got '" + text + "'");
            return -1;
        }
        return Double.parseDouble(text.substring(0, text.length() - 1)) / 100;
    }

    private static RolloutConfig.Position position(Node node) {
        return new RolloutConfig.Position(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }
}

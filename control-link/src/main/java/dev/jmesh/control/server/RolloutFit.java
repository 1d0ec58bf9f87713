package dev.jmesh.control.server;

import dev.jmesh.policy.RolloutConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What a rollouts file cannot tell alone: whether each rollout fits the services the config
 * directory serves. The replica and {@code check DIR} both ask here, so both refuse the same.
 */
final class RolloutFit {

    private RolloutFit() {}

    /**
     * The rollouts that fit the services, in file order. Each refused one is told to {@code
     * refused} at its line and column: a service no file defines, a subset its service does not
     * have, a second rollout of one service (the first stays).
     */
    static List<RolloutConfig> accepted(Map<Path, List<RolloutConfig>> byFile, Map<String, NodeTuple> services,
                                        Consumer<String> refused) {
        List<RolloutConfig> accepted = new ArrayList<>();
        Map<String, Path> declaredIn = new HashMap<>();
        byFile.forEach((file, rollouts) -> rollouts.forEach(rollout -> {
            String service = rollout.service();
            Path first = declaredIn.get(service);
            if (first != null) {
                refused.accept(at(file, rollout.at().service()) + "a rollout of '" + service + "' is already declared in "
                        + first.getFileName() + "; this one is refused");
                return;
            }
            NodeTuple policy = services.get(service);
            if (policy == null) {
                refused.accept(at(file, rollout.at().service()) + "unknown service '" + service
                        + "': no policy file of this directory defines it; the rollout is refused");
                return;
            }
            Set<String> subsets = subsets(policy.getValueNode());
            for (String subset : List.of(rollout.from(), rollout.to())) {
                if (!subsets.contains(subset)) {
                    refused.accept(at(file, subset.equals(rollout.from()) ? rollout.at().from() : rollout.at().to())
                            + "unknown subset '" + subset + "' of service '" + service + "' (it has: "
                            + (subsets.isEmpty() ? "none" : String.join(", ", subsets)) + "); the rollout is refused");
                    return;
                }
            }
            if (routeNames(policy.getValueNode()).contains(Snapshots.ROLLOUT_ROUTE)) {
                refused.accept(at(file, rollout.at().service()) + "service '" + service + "' has a route named '"
                        + Snapshots.ROLLOUT_ROUTE + "', the name the rollout's own route takes; the rollout is refused");
                return;
            }
            declaredIn.put(service, file);
            accepted.add(rollout);
        }));
        return accepted;
    }

    private static String at(Path file, RolloutConfig.Position position) {
        return file + ":" + position.line() + ":" + position.column() + ": ";
    }

    /** The names of a service policy's {@code subsets}, in file order. */
    private static Set<String> subsets(Node policy) {
        Set<String> names = new LinkedHashSet<>();
        if (value(policy, "subsets") instanceof MappingNode subsets) {
            for (NodeTuple t : subsets.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    names.add(key.getValue());
                }
            }
        }
        return names;
    }

    private static Set<String> routeNames(Node policy) {
        Set<String> names = new HashSet<>();
        if (value(policy, "routes") instanceof SequenceNode routes) {
            for (Node route : routes.getValue()) {
                if (value(route, "name") instanceof ScalarNode name) {
                    names.add(name.getValue());
                }
            }
        }
        return names;
    }

    private static Node value(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }
}

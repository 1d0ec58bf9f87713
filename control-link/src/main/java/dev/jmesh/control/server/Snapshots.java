package dev.jmesh.control.server;

import dev.jmesh.control.registry.RegisteredEndpoint;
import dev.jmesh.control.rollout.Split;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Composes the document every agent is pushed: the config directory's services, plus one
 * service per registered workload, named by the workload, whose endpoints are the registered
 * ones, with the labels and zone their agents registered them with. When the config directory
 * also defines that name, its policy (balancer, retries...) is kept and only its
 * {@code endpoints} are replaced by the registered ones. When every registered endpoint speaks
 * mutual TLS as one SPIFFE ID and the policy says nothing of TLS, callers are told
 * {@code tls: {mode: mutual, serverIdentity: ID}}: a strict port is called as it must be. A configured service
 * without endpoints of its own waits for its workload to register: until then it is left out,
 * as a workload whose last endpoint went away is.
 *
 * <p>The configured services are the files' node trees, written out as they are: every scalar
 * keeps its text and style, so an agent reads exactly what the file says.
 *
 * <p>The version is content-addressed (the first 16 hex digits of the document's SHA-256), so
 * two replicas with the same config and the same ZooKeeper view push the same version, and an
 * agent that reconnects to another replica is not sent what it already has.
 */
final class Snapshots {

    /** The name of the route a rollout adds after a service's own routes. */
    static final String ROLLOUT_ROUTE = "rollout";

    private Snapshots() {}

    /**
     * A composed snapshot.
     *
     * @param waiting the configured services left out: no endpoints of their own, none registered
     */
    record Snapshot(String version, String yaml, List<String> waiting) {}

    /**
     * @param configured each configured service's policy (a mapping node), by name
     * @param splits     the rollouts' splits, by service: each becomes a last route of its
     *                   service, taking what no route of the service's own takes
     */
    static Snapshot compose(Map<String, Node> configured, Map<String, List<RegisteredEndpoint>> registered,
                            Map<String, Split> splits) {
        Map<String, Node> services = new LinkedHashMap<>(configured);
        splits.forEach((service, split) -> {
            if (services.get(service) instanceof MappingNode policy) {
                services.put(service, withRollout(policy.getValue(), split));
            }
        });
        registered.forEach((workload, endpoints) -> services.put(workload,
                withEndpoints(services.get(workload) instanceof MappingNode policy ? policy.getValue() : List.of(),
                        endpoints)));
        List<NodeTuple> tuples = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        services.forEach((name, policy) -> {
            if (registered.containsKey(name) || hasEndpoints(policy)) {
                tuples.add(new NodeTuple(plain(name), policy));
            } else {
                waiting.add(name);
            }
        });
        Node doc = new MappingNode(Tag.MAP, List.of(new NodeTuple(plain("services"),
                new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK))), DumperOptions.FlowStyle.BLOCK);
        DumperOptions options = new DumperOptions();
        options.setWidth(1 << 16); // one scalar per line: the agent's line numbers stay readable
        StringWriter yaml = new StringWriter();
        new Yaml(options).serialize(doc, yaml);
        return new Snapshot(hash(yaml.toString()), yaml.toString(), List.copyOf(waiting));
    }

    /** The policy with a last route, {@link #ROLLOUT_ROUTE}, that splits as the rollout says now. */
    private static Node withRollout(List<NodeTuple> policy, Split split) {
        List<NodeTuple> route = new ArrayList<>();
        route.add(new NodeTuple(plain("name"), plain(ROLLOUT_ROUTE)));
        if (split.weight() == 0 || split.weight() == 100) {
            route.add(new NodeTuple(plain("to"), plain(split.weight() == 0 ? split.from() : split.to())));
        } else {
            route.add(new NodeTuple(plain("split"), new MappingNode(Tag.MAP, List.of(
                    new NodeTuple(plain(split.from()), integer(100 - split.weight())),
                    new NodeTuple(plain(split.to()), integer(split.weight()))), DumperOptions.FlowStyle.FLOW)));
        }
        Node added = new MappingNode(Tag.MAP, route, DumperOptions.FlowStyle.FLOW);
        List<NodeTuple> service = new ArrayList<>();
        boolean had = false;
        for (NodeTuple t : policy) {
            if (t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("routes")
                    && t.getValueNode() instanceof SequenceNode routes) {
                List<Node> all = new ArrayList<>(routes.getValue());
                all.add(added);
                service.add(new NodeTuple(t.getKeyNode(), new SequenceNode(Tag.SEQ, all, DumperOptions.FlowStyle.BLOCK)));
                had = true;
            } else {
                service.add(t);
            }
        }
        if (!had) {
            service.add(new NodeTuple(plain("routes"), new SequenceNode(Tag.SEQ, List.of(added),
                    DumperOptions.FlowStyle.BLOCK)));
        }
        return new MappingNode(Tag.MAP, service, DumperOptions.FlowStyle.BLOCK);
    }

    private static ScalarNode integer(int value) {
        return new ScalarNode(Tag.INT, Integer.toString(value), null, null, DumperOptions.ScalarStyle.PLAIN);
    }

    /** The policy with {@code endpoints} (where it was, or last) the registered ones. */
    private static Node withEndpoints(List<NodeTuple> policy, List<RegisteredEndpoint> endpoints) {
        List<Node> items = endpoints.stream().map(Snapshots::endpoint).toList();
        NodeTuple tuple = new NodeTuple(plain("endpoints"),
                new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.BLOCK));
        List<NodeTuple> service = new ArrayList<>();
        boolean replaced = false;
        for (NodeTuple t : policy) {
            boolean isEndpoints = t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("endpoints");
            service.add(isEndpoints ? tuple : t);
            replaced |= isEndpoints;
        }
        if (!replaced) {
            service.add(tuple);
        }
        String identity = endpoints.get(0).identity();
        boolean oneIdentity = !identity.isEmpty() && endpoints.stream().allMatch(e -> e.identity().equals(identity));
        boolean saysTls = policy.stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("tls"));
        if (oneIdentity && !saysTls) {
            service.add(new NodeTuple(plain("tls"), new MappingNode(Tag.MAP, List.of(
                    new NodeTuple(plain("mode"), plain("mutual")),
                    new NodeTuple(plain("serverIdentity"), plain(identity))), DumperOptions.FlowStyle.FLOW)));
        }
        return new MappingNode(Tag.MAP, service, DumperOptions.FlowStyle.BLOCK);
    }

    /** {@code host:port}, or {@code { address: host:port, labels: {...}, zone: z }} when it has labels or a zone. */
    private static Node endpoint(RegisteredEndpoint endpoint) {
        if (endpoint.plain()) {
            return plain(endpoint.address());
        }
        List<NodeTuple> fields = new ArrayList<>();
        fields.add(new NodeTuple(plain("address"), plain(endpoint.address())));
        if (!endpoint.labels().isEmpty()) {
            List<NodeTuple> labels = new ArrayList<>();
            endpoint.labels().forEach((k, v) -> labels.add(new NodeTuple(plain(k), plain(v))));
            fields.add(new NodeTuple(plain("labels"), new MappingNode(Tag.MAP, labels, DumperOptions.FlowStyle.FLOW)));
        }
        if (!endpoint.zone().isEmpty()) {
            fields.add(new NodeTuple(plain("zone"), plain(endpoint.zone())));
        }
        return new MappingNode(Tag.MAP, fields, DumperOptions.FlowStyle.FLOW);
    }

    private static boolean hasEndpoints(Node policy) {
        return policy instanceof MappingNode mapping && mapping.getValue().stream()
                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("endpoints"));
    }

    /** A string, quoted by the writer only if YAML would read it as something else. */
    private static ScalarNode plain(String text) {
        return new ScalarNode(Tag.STR, text, null, null, DumperOptions.ScalarStyle.PLAIN);
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

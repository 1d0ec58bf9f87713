package dev.jmesh.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The policy schema: turns a composed YAML tree into a {@link MeshConfig}, reporting every
 * problem on the way. Each section builds its record only if it added no errors, so a
 * half-valid model is never assembled.
 */
final class PolicyReader {

    // Lower-case DNS-label style with dots, as used for service names in the mesh.
    private static final int MIN_WEIGHT = 1;
    private static final int MAX_WEIGHT = 10_000;
    private static final String BALANCER_NAMES = Arrays.stream(BalancerKind.values())
            .map(BalancerKind::configName).collect(Collectors.joining(", "));
    private static final String HASHING_BALANCERS = Arrays.stream(BalancerKind.values())
            .filter(BalancerKind::hashes).map(BalancerKind::configName).collect(Collectors.joining(" and "));

    private final Problems problems;
    private final Nodes nodes;
    private final ResilienceReader resilience;
    private final LinkReader link;
    private final SecurityReader security;
    private final TrafficReader traffic;
    private final TelemetryReader telemetry;
    /** The keys whose setting needs this workload's identity: tls mode mutual, inbound mtls. */
    private final List<Node> needIdentity = new ArrayList<>();

    PolicyReader(Problems problems) {
        this.problems = problems;
        this.nodes = new Nodes(problems);
        this.resilience = new ResilienceReader(problems, nodes);
        this.link = new LinkReader(problems, nodes);
        this.security = new SecurityReader(problems, nodes);
        this.traffic = new TrafficReader(problems, nodes, resilience);
        this.telemetry = new TelemetryReader(problems, nodes);
    }

    /** Reads the document root; returns null when there were errors. */
    MeshConfig read(Node root) {
        MappingNode mapping = nodes.mapping(root);
        if (mapping == null) {
            return null;
        }
        MeshDraft draft = new MeshDraft();
        new KeyTable("policy")
                .optional("workload", e -> {
                    draft.workloadGiven = true;
                    draft.workload = name(e.value(), "workload");
                })
                .optional("admin", e -> draft.admin = admin(e))
                .optional("services", e -> draft.services = services(e.value()))
                .optional("control", e -> {
                    draft.controlKey = e.key();
                    draft.control = link.control(e);
                })
                .optional("inbound", e -> {
                    draft.inboundKey = e.key();
                    draft.inbound = security.inbound(e, needIdentity);
                })
                .optional("identity", e -> {
                    draft.identityKey = e.key();
                    draft.identity = security.identity(e);
                })
                .optional("drainTime", e -> draft.drainTime = nodes.duration(e.value(), "drainTime", true))
                .optional("zone", e -> draft.zone = zone(e.value()))
                .optional("namespace", e -> draft.telemetry.namespace = telemetry.namespace(e.value()))
                .optional("app", e -> draft.telemetry.app = telemetry.labelValue(e.value(), "app"))
                .optional("version", e -> draft.telemetry.version = telemetry.labelValue(e.value(), "version"))
                .optional("cluster", e -> draft.telemetry.cluster = telemetry.labelValue(e.value(), "cluster"))
                .optional("accessLog", e -> draft.telemetry.accessLog = telemetry.accessLog(e))
                .walk(mapping, mapping, problems);
        if (draft.identityKey == null) {
            for (Node key : needIdentity) {
                problems.error(key, "'" + ((ScalarNode) key).getValue() + "' needs this workload's identity: add an"
                        + " identity: section (trustDomain, and certificate, key, trustBundle or a control plane that issues it)");
            }
        }
        if (draft.identity != null && draft.identity.issuedByControlPlane()
                && (draft.control == null || draft.control.tokenFile() == null)) {
            problems.error(draft.identityKey, "an identity without certificate, key and trustBundle is issued by the"
                    + " control plane: add control: with servers and tokenFile (the workload's bootstrap token)");
        }
        if (!draft.workloadGiven) {
            // The link subscribes and registers under the workload's name: it must have one.
            if (draft.controlKey != null) {
                problems.error(draft.controlKey, "control needs 'workload' (the name this agent subscribes under)");
            }
            if (draft.inboundKey != null) {
                problems.error(draft.inboundKey, "inbound needs 'workload' (the name its port is registered under)");
            }
            if (draft.identityKey != null) {
                problems.error(draft.identityKey, "identity needs 'workload' (the sa/ part of its SPIFFE ID)");
            }
        }
        return problems.errorCount() == 0
                ? new MeshConfig(draft.workload, draft.admin, draft.services, draft.control, draft.inbound,
                        draft.identity, draft.drainTime, draft.zone, draft.telemetry.build())
                : null;
    }

    /** Reads a document pushed by the control plane: {@code services:} and nothing else. */
    MeshConfig readPushed(Node root) {
        MappingNode mapping = nodes.mapping(root);
        if (mapping == null) {
            return null;
        }
        MeshDraft draft = new MeshDraft();
        new KeyTable("pushed snapshot")
                .required("services", e -> draft.services = services(e.value()))
                .walk(mapping, mapping, problems);
        return problems.errorCount() == 0 ? new MeshConfig(null, null, draft.services) : null;
    }

    private static final class MeshDraft {
        String workload;
        AdminConfig admin;
        Map<String, ServiceConfig> services = Map.of();
        ControlConfig control;
        InboundConfig inbound;
        IdentityConfig identity;
        Duration drainTime = MeshConfig.DEFAULT_DRAIN_TIME;
        String zone;
        final TelemetryReader.Draft telemetry = new TelemetryReader.Draft();
        Node controlKey;
        Node inboundKey;
        Node identityKey;
        boolean workloadGiven;
    }

    // ---- admin ------------------------------------------------------------------------------

    private AdminConfig admin(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        AdminDraft draft = new AdminDraft();
        new KeyTable("admin")
                .required("port", e -> draft.port = nodes.integer(e.value(), "port", 0, 65535))
                .optional("bind", e -> draft.bind = bindAddress(e.value()))
                .walk(mapping, entry.key(), problems);
        return problems.errorCount() == errorsBefore ? new AdminConfig(draft.bind, draft.port) : null;
    }

    private static final class AdminDraft {
        Integer port;
        String bind = AdminConfig.DEFAULT_BIND;
    }

    private String bindAddress(Node node) {
        String text = nodes.string(node);
        if (text != null && !Addresses.isBindAddress(text)) {
            problems.error(node, "bad bind address '" + text + "': expected an IP address or 'localhost'");
            return null;
        }
        return text;
    }

    // ---- services ---------------------------------------------------------------------------

    private Map<String, ServiceConfig> services(Node node) {
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        if (Nodes.isNull(node)) {
            return services; // "services:" with nothing under it means no services
        }
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return services;
        }
        for (KeyTable.Entry entry : KeyTable.entries(mapping, problems)) {
            boolean nameOk = checkName(entry.key(), entry.name(), "service");
            ServiceConfig service = service(entry); // validate the body even if the name is bad
            if (nameOk && service != null) {
                services.put(entry.name(), service);
            }
        }
        return services;
    }

    private ServiceConfig service(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        ServiceDraft draft = new ServiceDraft(entry.name());
        ServiceConfig.Builder service = draft.service;
        new KeyTable("service '" + entry.name() + "'")
                .required("endpoints", e -> {
                    draft.endpointsRead = true;
                    draft.endpoints = endpoints(e.value());
                })
                .optional("protocol", e -> draft.protocol = nodes.protocol(e.value()))
                .optional("tls", e -> service.tls(security.tls(e, needIdentity)))
                .optional("balancer", e -> {
                    draft.balancerNode = e.value();
                    draft.balancer = balancer(e.value());
                })
                .optional("hashKey", e -> {
                    draft.hashKeyEntry = e;
                    draft.hashKey = nodes.hashKey(e.value());
                })
                .optional("slowStart", e -> service.slowStart(nodes.duration(e.value(), "slowStart", false)))
                .optional("timeout", e -> {
                    draft.timeoutNode = e.value();
                    draft.timeout = nodes.duration(e.value(), "timeout", false);
                })
                .optional("retries", e -> draft.retries = resilience.retries(e))
                .optional("circuitBreaker", e -> {
                    draft.httpOnlyKeys.add(e.key());
                    service.circuitBreaker(resilience.circuitBreaker(e));
                })
                .optional("outlierDetection", e -> service.outlierDetection(resilience.outlierDetection(e)))
                .optional("healthCheck", e -> {
                    draft.httpOnlyKeys.add(e.key());
                    service.healthCheck(resilience.healthCheck(e));
                })
                .optional("subsets", e -> traffic.subsets(e, draft.traffic))
                .optional("routes", e -> traffic.routes(e, draft.traffic))
                .optional("rateLimit", e -> {
                    draft.httpOnlyKeys.add(e.key());
                    draft.traffic.rateLimit = traffic.rateLimit(e);
                })
                .walk(mapping, entry.key(), problems);
        if (draft.balancer == BalancerKind.ROUND_ROBIN) {
            warnIgnoredWeights(draft.endpoints);
        }
        checkHashKey(draft);
        checkHttpOnlyKeys(draft);
        warnPerTryTimeoutNotBelowTimeout(draft);
        List<EndpointConfig> endpoints = draft.endpoints.stream().map(ParsedEndpoint::config).toList();
        traffic.check(draft.traffic, endpoints, draft.endpointsRead && !endpoints.isEmpty());
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        return service.endpoints(endpoints).balancer(draft.balancer).hashKey(draft.hashKey).timeout(draft.timeout)
                .retries(draft.retries.policy()).protocol(draft.protocol).traffic(draft.traffic.policy()).build();
    }

    /**
     * The keys other checks need, as read and with their nodes; the rest goes straight into the
     * builder, whose fields hold the defaults.
     */
    private static final class ServiceDraft {
        final ServiceConfig.Builder service;
        final TrafficReader.Draft traffic = new TrafficReader.Draft();
        boolean endpointsRead;
        List<ParsedEndpoint> endpoints = List.of();
        Node balancerNode;
        BalancerKind balancer = BalancerKind.ROUND_ROBIN;
        KeyTable.Entry hashKeyEntry;
        HashKey hashKey;
        Node timeoutNode;
        Duration timeout;
        ResilienceReader.ParsedRetries retries = ResilienceReader.ParsedRetries.DEFAULT;
        Protocol protocol = Protocol.HTTP;
        List<ScalarNode> httpOnlyKeys = new ArrayList<>();

        ServiceDraft(String name) {
            this.service = ServiceConfig.builder(name, List.of());
        }
    }

    // A connection has no status code, no request to hash or retry, and no HTTP path to probe:
    // keys about those would be silently ignored on a tcp service, so they are errors.
    private void checkHttpOnlyKeys(ServiceDraft draft) {
        if (draft.protocol != Protocol.TCP) {
            return;
        }
        List<ScalarNode> keys = new ArrayList<>(draft.httpOnlyKeys);
        keys.addAll(draft.traffic.httpOnlyKeys);
        if (draft.retries != null) {
            keys.addAll(draft.retries.httpOnlyKeys());
        }
        for (ScalarNode key : keys) {
            problems.error(key, "'" + key.getValue() + "' applies to http services only; a tcp service balances"
                    + " connections and fails over on connect failures (retries.attempts, retries.perTryTimeout)");
        }
    }

    // Without a key a hashing balancer would send every request to the same endpoint; with
    // any other balancer a key would be silently ignored. Both are mistakes worth stopping.
    private void checkHashKey(ServiceDraft draft) {
        if (draft.balancer == null) {
            return; // unknown balancer, already reported
        }
        String name = draft.balancer.configName();
        boolean tcp = draft.protocol == Protocol.TCP;
        if (draft.balancer.hashes() && draft.hashKeyEntry == null) {
            problems.error(draft.balancerNode, "balancer " + name + " needs a hashKey ("
                    + (tcp ? HashKeys.TCP_FORMS : HashKeys.FORMS) + ")");
        } else if (!draft.balancer.hashes() && draft.hashKeyEntry != null) {
            problems.error(draft.hashKeyEntry.key(), "hashKey is only used by balancers " + HASHING_BALANCERS
                    + ", not by " + name);
        } else if (draft.hashKey != null && draft.protocol != null && !draft.hashKey.fits(draft.protocol)) {
            problems.error(draft.hashKeyEntry.value(), "hashKey " + draft.hashKey + " does not fit a "
                    + draft.protocol.configName() + " service (use " + (tcp ? HashKeys.TCP_FORMS : HashKeys.FORMS) + ")");
        }
    }

    // The first try would use up the whole call's time; legal, but the retries are dead config.
    private void warnPerTryTimeoutNotBelowTimeout(ServiceDraft draft) {
        if (draft.timeout == null || draft.retries == null || draft.retries.perTryTimeoutNode() == null) {
            return;
        }
        Duration perTry = draft.retries.policy().perTryTimeout();
        if (perTry.compareTo(draft.timeout) >= 0) {
            problems.warning(draft.retries.perTryTimeoutNode(), "perTryTimeout "
                    + ResilienceReader.written(draft.retries.perTryTimeoutNode(), perTry) + " is not below timeout "
                    + ResilienceReader.written(draft.timeoutNode, draft.timeout) + ": a retry can never start");
        }
    }

    // Weights only mean something to weighted balancers; silently ignoring them would surprise.
    private void warnIgnoredWeights(List<ParsedEndpoint> endpoints) {
        for (ParsedEndpoint endpoint : endpoints) {
            if (endpoint.weightNode() != null && endpoint.config().weight() != 1) {
                problems.warning(endpoint.weightNode(), "weight is ignored by balancer "
                        + BalancerKind.ROUND_ROBIN.configName() + "; use "
                        + BalancerKind.WEIGHTED_ROUND_ROBIN.configName() + " or "
                        + BalancerKind.RANDOM.configName());
            }
        }
    }

    private BalancerKind balancer(Node node) {
        String name = nodes.string(node);
        if (name == null) {
            return null;
        }
        BalancerKind kind = BalancerKind.fromConfigName(name).orElse(null);
        if (kind == null) {
            problems.error(node, "unknown balancer '" + name + "' (expected one of: " + BALANCER_NAMES + ")");
        }
        return kind;
    }

    // ---- endpoints --------------------------------------------------------------------------

    /** An endpoint plus the nodes needed for later diagnostics (duplicates, ignored weights). */
    private record ParsedEndpoint(EndpointConfig config, Node addressNode, Node weightNode) {}

    private List<ParsedEndpoint> endpoints(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return List.of();
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(sequence, "endpoints must not be empty");
            return List.of();
        }
        List<ParsedEndpoint> endpoints = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>(); // canonical host:port -> first address node
        for (Node item : sequence.getValue()) {
            ParsedEndpoint endpoint = endpoint(item);
            if (endpoint == null) {
                continue;
            }
            EndpointConfig config = endpoint.config();
            String key = Addresses.canonicalHost(config.host()) + ":" + config.port();
            Node first = seen.putIfAbsent(key, endpoint.addressNode());
            if (first != null) {
                problems.error(endpoint.addressNode(), "duplicate endpoint '" + config.address()
                        + "' (first listed at line " + (first.getStartMark().getLine() + 1) + ")");
                continue;
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    private ParsedEndpoint endpoint(Node item) {
        if (item instanceof ScalarNode && !Nodes.isNull(item)) {
            Addresses.ParsedAddress address = address(item);
            return address == null ? null : new ParsedEndpoint(
                    new EndpointConfig(address.host(), address.port(), 1, null), item, null);
        }
        if (!(item instanceof MappingNode mapping)) {
            problems.error(item, "expected an endpoint address or a mapping, got " + Nodes.describe(item));
            return null;
        }
        int errorsBefore = problems.errorCount();
        EndpointDraft draft = new EndpointDraft();
        new KeyTable("endpoint")
                .required("address", e -> {
                    draft.addressNode = e.value();
                    draft.address = address(e.value());
                })
                .optional("weight", e -> {
                    draft.weightNode = e.value();
                    draft.weight = nodes.integer(e.value(), "weight", MIN_WEIGHT, MAX_WEIGHT);
                })
                .optional("zone", e -> draft.zone = zone(e.value()))
                .optional("labels", e -> draft.labels = traffic.labels(e.value(), "an endpoint"))
                .walk(mapping, mapping, problems);
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        EndpointConfig config = new EndpointConfig(
                draft.address.host(), draft.address.port(), draft.weight, draft.zone, draft.labels);
        return new ParsedEndpoint(config, draft.addressNode, draft.weightNode);
    }

    private static final class EndpointDraft {
        Node addressNode;
        Addresses.ParsedAddress address;
        Node weightNode;
        Integer weight = 1;
        String zone;
        Map<String, String> labels = Map.of();
    }

    private Addresses.ParsedAddress address(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return null;
        }
        Addresses.ParsedAddress address = Addresses.parseEndpoint(text);
        if (address.error() != null) {
            problems.error(node, address.error());
            return null;
        }
        return address;
    }

    private String zone(Node node) {
        String zone = nodes.string(node);
        if (zone != null && zone.isBlank()) {
            problems.error(node, "zone must not be empty");
            return null;
        }
        return zone;
    }

    // ---- names ------------------------------------------------------------------------------

    private String name(Node node, String what) {
        String name = nodes.string(node);
        return name != null && checkName(node, name, what) ? name : null;
    }

    private boolean checkName(Node at, String name, String what) {
        if (name.length() > Addresses.MAX_HOST_NAME) {
            problems.error(at, "invalid " + what + " name '" + name.substring(0, 40)
                    + "...': longer than " + Addresses.MAX_HOST_NAME + " characters");
            return false;
        }
        if (!Shapes.NAME.matches(name)) {
            problems.error(at, "invalid " + what + " name '" + name + "': use lower-case letters, digits,"
                    + " '-' and '.', starting and ending with a letter or digit");
            return false;
        }
        return true;
    }

    // ---- rendering --------------------------------------------------------------------------

    static String renderAdmin(AdminConfig admin) {
        return "{ port: " + admin.port() + ", bind: \"" + admin.bind() + "\" }";
    }

    /** One service under {@code services:}, every default spelled out. */
    static void renderService(ServiceConfig s, StringBuilder out) {
        boolean http = s.protocol() == Protocol.HTTP;
        out.append("  ").append(s.name()).append(":\n");
        out.append("    protocol: ").append(s.protocol().configName()).append('\n');
        out.append("    endpoints:\n");
        for (EndpointConfig e : s.endpoints()) {
            out.append("      - { address: \"").append(e.address()).append("\", weight: ").append(e.weight());
            if (e.zone() != null) {
                out.append(", zone: ").append(TrafficReader.quoted(e.zone()));
            }
            if (!e.labels().isEmpty()) {
                out.append(", labels: ").append(TrafficReader.flow(new java.util.TreeMap<>(e.labels())));
            }
            out.append(" }\n");
        }
        out.append("    balancer: ").append(s.balancer().configName()).append('\n');
        if (s.hashKey() != null) {
            out.append("    hashKey: \"").append(s.hashKey()).append("\"\n");
        }
        if (s.slowStart() != null) {
            out.append("    slowStart: ").append(Durations.format(s.slowStart())).append('\n');
        }
        if (s.timeout() != null) {
            out.append("    timeout: ").append(Durations.format(s.timeout())).append('\n');
        }
        out.append("    retries:\n");
        ResilienceReader.renderRetries(s.retries(), http, "      ", out);
        if (http) {
            out.append("    circuitBreaker: ").append(ResilienceReader.renderCircuitBreaker(s.circuitBreaker())).append('\n');
        }
        out.append("    outlierDetection: ").append(ResilienceReader.renderOutlierDetection(s.outlierDetection())).append('\n');
        if (s.tls() != null) {
            out.append("    tls: ").append(SecurityReader.renderTls(s.tls())).append('\n');
        }
        if (s.healthCheck() != null) {
            out.append("    healthCheck: ").append(ResilienceReader.renderHealthCheck(s.healthCheck())).append('\n');
        }
        TrafficReader.render(s.traffic(), out);
    }
}

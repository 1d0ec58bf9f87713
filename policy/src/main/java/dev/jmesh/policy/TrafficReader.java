package dev.jmesh.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The traffic-management section of a service, its one home: {@code subsets}, {@code routes}
 * and {@code rateLimit} are read here and written back here ({@link #render}). Like the other
 * readers it builds a record only when its part added no errors.
 */
final class TrafficReader {

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
    private static final int MAX_ROUTES = 1000;
    private static final double MAX_RATE = 1_000_000;
    private static final int MAX_BURST = 1_000_000;

    private final Problems problems;
    private final Nodes nodes;
    private final ResilienceReader resilience;

    TrafficReader(Problems problems, Nodes nodes, ResilienceReader resilience) {
        this.problems = problems;
        this.nodes = nodes;
        this.resilience = resilience;
    }

    /** The service's traffic keys as read, with the nodes its checks need once the service is read. */
    static final class Draft {
        final Map<String, Map<String, String>> subsets = new LinkedHashMap<>();
        final Map<String, Node> subsetNodes = new HashMap<>();
        final List<RouteConfig> routes = new ArrayList<>();
        /** Per route: the nodes naming subsets, to report an unknown one where it is written. */
        final List<Map<String, Node>> routeSubsetNodes = new ArrayList<>();
        /** Keys that mean nothing to a connection, for the tcp check. */
        final List<ScalarNode> httpOnlyKeys = new ArrayList<>();
        RateLimitPolicy rateLimit;

        TrafficPolicy policy() {
            return new TrafficPolicy(subsets, routes, rateLimit);
        }
    }

    // ---- subsets ----------------------------------------------------------------------------

    void subsets(KeyTable.Entry entry, Draft draft) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return;
        }
        for (KeyTable.Entry subset : KeyTable.entries(mapping, problems)) {
            Map<String, String> labels = labels(subset.value(), "subset '" + subset.name() + "'");
            if (labels != null && labels.isEmpty()) {
                problems.error(subset.value(), "subset '" + subset.name() + "' needs at least one label to select on");
            } else if (labels != null) {
                draft.subsets.put(subset.name(), labels);
                draft.subsetNodes.put(subset.name(), subset.key());
            }
        }
    }

    /** A mapping of label names to values, both non-empty strings; null after an error. */
    Map<String, String> labels(Node node, String owner) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        Map<String, String> labels = new LinkedHashMap<>();
        for (KeyTable.Entry label : KeyTable.entries(mapping, problems)) {
            String value = nodes.string(label.value());
            if (label.name().isBlank() || (value != null && value.isBlank())) {
                problems.error(label.key(), "labels of " + owner + " must be non-empty names and values");
            } else if (value != null) {
                labels.put(label.name(), value);
            }
        }
        return problems.errorCount() == errorsBefore ? labels : null;
    }

    /**
     * After the whole service is read: every subset a route names exists, and a subset that
     * selects no endpoint is worth a warning (its routes would answer 503).
     */
    void check(Draft draft, List<EndpointConfig> endpoints, boolean endpointsRead) {
        for (Map<String, Node> named : draft.routeSubsetNodes) {
            named.forEach((subset, node) -> {
                if (!draft.subsets.containsKey(subset)) {
                    problems.error(node, "unknown subset '" + subset + "'"
                            + (draft.subsets.isEmpty() ? " (the service defines no subsets)"
                            : " (expected one of: " + String.join(", ", draft.subsets.keySet()) + ")"));
                }
            });
        }
        if (!endpointsRead) {
            return;
        }
        draft.subsets.forEach((name, labels) -> {
            if (endpoints.stream().noneMatch(e -> e.matches(labels))) {
                problems.warning(draft.subsetNodes.get(name), "subset '" + name + "' selects no endpoint"
                        + " (no endpoint carries " + labels + "): requests routed to it get 503");
            }
        });
    }

    // ---- routes -----------------------------------------------------------------------------

    void routes(KeyTable.Entry entry, Draft draft) {
        SequenceNode sequence = nodes.sequence(entry.value());
        if (sequence == null) {
            return;
        }
        if (sequence.getValue().size() > MAX_ROUTES) {
            problems.error(sequence, "more than " + MAX_ROUTES + " routes");
            return;
        }
        Map<String, Node> names = new HashMap<>();
        for (Node item : sequence.getValue()) {
            RouteDraft route = route(item, draft);
            if (route == null) {
                continue;
            }
            Node first = names.putIfAbsent(route.name, route.nameNode);
            if (first != null) {
                problems.error(route.nameNode, "duplicate route name '" + route.name + "' (first at line "
                        + (first.getStartMark().getLine() + 1) + ")");
                continue;
            }
            MirrorPolicy mirror = route.mirrorTo == null ? null
                    : new MirrorPolicy(route.mirrorTo, route.mirrorPercent, route.mirrorNonIdempotent);
            draft.routes.add(new RouteConfig(route.name, route.match, route.split, route.timeout,
                    route.retries == null ? null : route.retries.policy(), route.hashKey, route.fault, mirror,
                    route.rateLimit));
            draft.routeSubsetNodes.add(route.subsetNodes);
        }
    }

    private static final class RouteDraft {
        String name;
        Node nameNode;
        RouteMatch match = RouteMatch.ANY;
        Map<String, Integer> split;
        final Map<String, Node> subsetNodes = new LinkedHashMap<>();
        Duration timeout;
        ResilienceReader.ParsedRetries retries;
        HashKey hashKey;
        FaultPolicy fault;
        String mirrorTo;
        double mirrorPercent;
        Node mirrorNonIdempotentKey;
        boolean mirrorNonIdempotent;
        RateLimitPolicy rateLimit;
    }

    private RouteDraft route(Node item, Draft service) {
        MappingNode mapping = nodes.mapping(item);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        RouteDraft draft = new RouteDraft();
        List<Node> destinations = new ArrayList<>();
        new KeyTable("route")
                .required("name", e -> {
                    draft.nameNode = e.value();
                    draft.name = routeName(e.value());
                })
                .optional("match", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.match = match(e.value());
                })
                .optional("to", e -> {
                    destinations.add(e.key());
                    String subset = nodes.string(e.value());
                    if (subset != null) {
                        draft.split = Map.of(subset, 100);
                        draft.subsetNodes.put(subset, e.value());
                    }
                })
                .optional("split", e -> {
                    destinations.add(e.key());
                    draft.split = split(e.value(), draft.subsetNodes);
                })
                .optional("timeout", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.timeout = nodes.duration(e.value(), "timeout", false);
                })
                .optional("retries", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.retries = resilience.retries(e);
                })
                .optional("hashKey", e -> draft.hashKey = nodes.hashKey(e.value()))
                .optional("fault", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.fault = fault(e);
                })
                .optional("mirror", e -> {
                    service.httpOnlyKeys.add(e.key());
                    mirror(e, draft);
                })
                .optional("mirrorNonIdempotent", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.mirrorNonIdempotentKey = e.key();
                    draft.mirrorNonIdempotent = Boolean.TRUE.equals(nodes.bool(e.value()));
                })
                .optional("rateLimit", e -> {
                    service.httpOnlyKeys.add(e.key());
                    draft.rateLimit = rateLimit(e);
                })
                .walk(mapping, mapping, problems);
        if (draft.mirrorNonIdempotentKey != null && draft.mirrorTo == null) {
            problems.error(draft.mirrorNonIdempotentKey, "mirrorNonIdempotent goes with mirror");
        }
        if (destinations.isEmpty()) {
            problems.error(mapping, "route" + (draft.name == null ? "" : " '" + draft.name + "'")
                    + " needs 'to' (one subset) or 'split' (percent per subset)");
        } else if (destinations.size() > 1) {
            problems.error(destinations.get(1), "a route takes 'to' or 'split', not both");
        }
        return problems.errorCount() == errorsBefore ? draft : null;
    }

    private String routeName(Node node) {
        String name = nodes.string(node);
        if (name != null && !Shapes.NAME.matches(name)) {
            problems.error(node, "invalid route name '" + name + "': use lower-case letters, digits, '-' and '.'");
            return null;
        }
        return name;
    }

    private Map<String, Integer> split(Node node, Map<String, Node> subsetNodes) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        Map<String, Integer> split = new LinkedHashMap<>();
        int sum = 0;
        for (KeyTable.Entry part : KeyTable.entries(mapping, problems)) {
            Integer percent = nodes.integer(part.value(), "percent", 0, 100);
            if (percent != null) {
                split.put(part.name(), percent);
                subsetNodes.put(part.name(), part.key());
                sum += percent;
            }
        }
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        if (sum != 100) {
            problems.error(mapping, "split sums to " + sum + "%, not 100%: "
                    + split.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
            return null;
        }
        return split;
    }

    // ---- match ------------------------------------------------------------------------------

    private RouteMatch match(Node node) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        MatchDraft draft = new MatchDraft();
        new KeyTable("match")
                .optional("path", e -> draft.path = path(e.value()))
                .optional("methods", e -> draft.methods = methods(e.value()))
                .optional("headers", e -> draft.headers = values(e.value(), "header", true))
                .optional("query", e -> draft.query = values(e.value(), "query parameter", false))
                .walk(mapping, mapping, problems);
        return problems.errorCount() == errorsBefore
                ? new RouteMatch(draft.path, draft.methods, draft.headers, draft.query) : null;
    }

    private static final class MatchDraft {
        RouteMatch.Path path;
        Set<String> methods = Set.of();
        List<RouteMatch.Value> headers = List.of();
        List<RouteMatch.Value> query = List.of();
    }

    private RouteMatch.Path path(Node node) {
        OneOf one = oneOf(node, "path", "exact", "prefix", "regex");
        if (one == null) {
            return null;
        }
        String value = nodes.string(one.value);
        if (value == null) {
            return null;
        }
        RouteMatch.PathKind kind = RouteMatch.PathKind.valueOf(one.key.toUpperCase(Locale.ROOT));
        if (kind == RouteMatch.PathKind.REGEX) {
            return regex(one.value, value) ? new RouteMatch.Path(kind, value) : null;
        }
        if (!value.startsWith("/")) {
            problems.error(one.value, "a path starts with '/', got '" + value + "'");
            return null;
        }
        return new RouteMatch.Path(kind, value);
    }

    private Set<String> methods(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return null;
        }
        Set<String> methods = new LinkedHashSet<>();
        for (Node item : sequence.getValue()) {
            String method = nodes.string(item);
            if (method != null && !METHODS.contains(method)) {
                problems.error(item, "unknown method '" + method + "' (expected upper case, one of: "
                        + String.join(", ", METHODS.stream().sorted().toList()) + ")");
            } else if (method != null) {
                methods.add(method);
            }
        }
        return methods;
    }

    /** Header or query matches: name to one of exact, regex, present: true, absent: true. */
    private List<RouteMatch.Value> values(Node node, String what, boolean lowerCaseNames) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        List<RouteMatch.Value> values = new ArrayList<>();
        for (KeyTable.Entry entry : KeyTable.entries(mapping, problems)) {
            OneOf one = oneOf(entry.value(), what + " '" + entry.name() + "'", "exact", "regex", "present", "absent");
            if (one == null) {
                continue;
            }
            String name = lowerCaseNames ? entry.name().toLowerCase(Locale.ROOT) : entry.name();
            RouteMatch.ValueKind kind = RouteMatch.ValueKind.valueOf(one.key.toUpperCase(Locale.ROOT));
            switch (kind) {
                case EXACT -> {
                    String value = nodes.string(one.value);
                    if (value != null) {
                        values.add(new RouteMatch.Value(name, kind, value));
                    }
                }
                case REGEX -> {
                    String value = nodes.string(one.value);
                    if (value != null && regex(one.value, value)) {
                        values.add(new RouteMatch.Value(name, kind, value));
                    }
                }
                default -> {
                    Boolean flag = nodes.bool(one.value);
                    if (Boolean.FALSE.equals(flag)) {
                        problems.error(one.value, one.key + ": false is not a match; use "
                                + (kind == RouteMatch.ValueKind.PRESENT ? "absent" : "present") + ": true");
                    } else if (flag != null) {
                        values.add(new RouteMatch.Value(name, kind, null));
                    }
                }
            }
        }
        return values;
    }

    private record OneOf(String key, Node value) {}

    /** A mapping with exactly one of {@code keys}. */
    private OneOf oneOf(Node node, String owner, String... keys) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        List<KeyTable.Entry> entries = KeyTable.entries(mapping, problems);
        if (entries.size() != 1 || !List.of(keys).contains(entries.get(0).name())) {
            problems.error(mapping, owner + " takes exactly one of: " + String.join(", ", keys));
            return null;
        }
        return new OneOf(entries.get(0).name(), entries.get(0).value());
    }

    private boolean regex(Node node, String regex) {
        try {
            Pattern.compile(regex);
            return true;
        } catch (PatternSyntaxException e) {
            problems.error(node, "bad regex '" + regex + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            return false;
        }
    }

    // ---- fault, mirror and rate limit -------------------------------------------------------

    private void mirror(KeyTable.Entry entry, RouteDraft draft) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return;
        }
        draft.mirrorPercent = 100; // without a percent, every request is copied
        new KeyTable("mirror")
                .required("to", e -> {
                    draft.mirrorTo = nodes.string(e.value());
                    if (draft.mirrorTo != null) {
                        draft.subsetNodes.putIfAbsent(draft.mirrorTo, e.value());
                    }
                })
                .optional("percent", e -> {
                    Double percent = percent(e.value());
                    draft.mirrorPercent = percent == null ? 0 : percent;
                })
                .walk(mapping, entry.key(), problems);
    }

    private FaultPolicy fault(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        FaultDraft draft = new FaultDraft();
        new KeyTable("fault")
                .optional("delay", e -> {
                    MappingNode delay = nodes.mapping(e.value());
                    if (delay != null) {
                        new KeyTable("delay")
                                .required("percent", p -> draft.delayPercent = percent(p.value()))
                                .required("duration", d -> draft.delay = nodes.duration(d.value(), "duration", false))
                                .walk(delay, e.key(), problems);
                    }
                })
                .optional("abort", e -> {
                    MappingNode abort = nodes.mapping(e.value());
                    if (abort != null) {
                        new KeyTable("abort")
                                .required("percent", p -> draft.abortPercent = percent(p.value()))
                                .required("status", s -> draft.abortStatus = nodes.integer(s.value(), "status", 200, 599))
                                .walk(abort, e.key(), problems);
                    }
                })
                .walk(mapping, entry.key(), problems);
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        if (draft.delay == null && draft.abortStatus == null) {
            problems.error(entry.key(), "fault needs a delay, an abort or both");
            return null;
        }
        return new FaultPolicy(draft.delay == null ? 0 : draft.delayPercent, draft.delay,
                draft.abortStatus == null ? 0 : draft.abortPercent, draft.abortStatus == null ? 0 : draft.abortStatus);
    }

    private static final class FaultDraft {
        Double delayPercent;
        Duration delay;
        Double abortPercent;
        Integer abortStatus;
    }

    private Double percent(Node node) {
        return nodes.decimal(node, "percent", 0, 100);
    }

    RateLimitPolicy rateLimit(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        Double[] rate = new Double[1];
        Integer[] burst = new Integer[1];
        new KeyTable("rateLimit")
                .required("requestsPerSecond", e -> {
                    rate[0] = nodes.decimal(e.value(), "requestsPerSecond", 0, MAX_RATE);
                    if (rate[0] != null && rate[0] == 0) {
                        problems.error(e.value(), "requestsPerSecond must be greater than 0");
                    }
                })
                .optional("burst", e -> burst[0] = nodes.integer(e.value(), "burst", 1, MAX_BURST))
                .walk(mapping, entry.key(), problems);
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        // Without a burst, one second's worth: a steady caller at the limit is never refused.
        return new RateLimitPolicy(rate[0], burst[0] != null ? burst[0] : (int) Math.max(1, Math.ceil(rate[0])));
    }

    // ---- rendering --------------------------------------------------------------------------

    /** Writes the section under a service, indented by four spaces; nothing when it is empty. */
    static void render(TrafficPolicy traffic, StringBuilder out) {
        if (!traffic.subsets().isEmpty()) {
            out.append("    subsets:\n");
            traffic.subsets().forEach((name, labels) ->
                    out.append("      ").append(name).append(": ").append(flow(labels)).append('\n'));
        }
        if (traffic.rateLimit() != null) {
            out.append("    rateLimit: ").append(rateLimit(traffic.rateLimit())).append('\n');
        }
        if (traffic.routes().isEmpty()) {
            return;
        }
        out.append("    routes:\n");
        for (RouteConfig route : traffic.routes()) {
            out.append("      - name: ").append(route.name()).append('\n');
            if (!route.match().matchesEverything()) {
                out.append("        match: ").append(match(route.match())).append('\n');
            }
            out.append("        split: { ").append(route.split().entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "))).append(" }\n");
            if (route.timeout() != null) {
                out.append("        timeout: ").append(Durations.format(route.timeout())).append('\n');
            }
            if (route.retries() != null) {
                out.append("        retries:\n");
                ResilienceReader.renderRetries(route.retries(), true, "          ", out);
            }
            if (route.hashKey() != null) {
                out.append("        hashKey: \"").append(route.hashKey()).append("\"\n");
            }
            FaultPolicy f = route.fault();
            if (f != null) {
                List<String> parts = new ArrayList<>();
                if (f.delay() != null) {
                    parts.add("delay: { percent: " + plain(f.delayPercent()) + ", duration: " + Durations.format(f.delay()) + " }");
                }
                if (f.abortStatus() != 0) {
                    parts.add("abort: { percent: " + plain(f.abortPercent()) + ", status: " + f.abortStatus() + " }");
                }
                out.append("        fault: { ").append(String.join(", ", parts)).append(" }\n");
            }
            MirrorPolicy m = route.mirror();
            if (m != null) {
                out.append("        mirror: { to: ").append(m.to()).append(", percent: ").append(plain(m.percent())).append(" }\n");
                if (m.nonIdempotent()) {
                    out.append("        mirrorNonIdempotent: true\n");
                }
            }
            if (route.rateLimit() != null) {
                out.append("        rateLimit: ").append(rateLimit(route.rateLimit())).append('\n');
            }
        }
    }

    private static String match(RouteMatch match) {
        List<String> parts = new ArrayList<>();
        if (match.path() != null) {
            parts.add("path: { " + match.path().kind().name().toLowerCase(Locale.ROOT) + ": " + quoted(match.path().value()) + " }");
        }
        if (!match.methods().isEmpty()) {
            parts.add("methods: [ " + match.methods().stream().sorted().collect(Collectors.joining(", ")) + " ]");
        }
        if (!match.headers().isEmpty()) {
            parts.add("headers: " + values(match.headers()));
        }
        if (!match.query().isEmpty()) {
            parts.add("query: " + values(match.query()));
        }
        return "{ " + String.join(", ", parts) + " }";
    }

    private static String values(List<RouteMatch.Value> values) {
        return "{ " + values.stream().map(v -> quoted(v.name()) + ": { " + v.kind().name().toLowerCase(Locale.ROOT) + ": "
                + (v.value() == null ? "true" : quoted(v.value())) + " }").collect(Collectors.joining(", ")) + " }";
    }

    private static String rateLimit(RateLimitPolicy limit) {
        return "{ requestsPerSecond: " + plain(limit.requestsPerSecond()) + ", burst: " + limit.burst() + " }";
    }

    static String flow(Map<String, String> labels) {
        return "{ " + labels.entrySet().stream().map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
                .collect(Collectors.joining(", ")) + " }";
    }

    /** A double-quoted YAML scalar: backslashes and quotes escaped, so any regex survives. */
    static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

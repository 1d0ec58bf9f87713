package dev.jmesh.policy;

import dev.jmesh.policy.AuthorizationPolicy.Attribute;
import dev.jmesh.policy.AuthorizationPolicy.Condition;
import dev.jmesh.policy.AuthorizationPolicy.Operation;
import dev.jmesh.policy.AuthorizationPolicy.Rule;
import dev.jmesh.policy.AuthorizationPolicy.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code inbound.authorization} (Istio's AuthorizationPolicy specs) and {@code inbound.jwt}
 * (Istio's RequestAuthentication jwtRules). Istio's shape is kept key for key, so a spec is
 * pasted as it is; what the inbound port cannot evaluate is refused by name.
 */
final class AuthorizationReader {

    private static final Pattern INDEXED_KEY = Pattern.compile("(request\\.headers|request\\.auth\\.claims)((\\[[^\\[\\]]+])+)");
    private static final Pattern INDEX = Pattern.compile("\\[([^\\[\\]]+)]");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+|\\*");
    /** Istio keys the inbound port has no attribute for. */
    private static final Set<String> UNSUPPORTED = Set.of("ipBlocks", "notIpBlocks", "remoteIpBlocks",
            "notRemoteIpBlocks", "ports", "notPorts", "serviceAccounts", "notServiceAccounts", "selector",
            "targetRef", "targetRefs", "provider");

    private final Problems problems;
    private final Nodes nodes;

    AuthorizationReader(Problems problems, Nodes nodes) {
        this.problems = problems;
        this.nodes = nodes;
    }

    List<AuthorizationPolicy> policies(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        List<AuthorizationPolicy> policies = new ArrayList<>();
        if (sequence == null) {
            return policies;
        }
        Set<String> names = new HashSet<>();
        for (Node item : sequence.getValue()) {
            AuthorizationPolicy policy = policy(item, policies.size());
            if (policy != null && !names.add(policy.name())) {
                problems.error(item, "duplicate authorization policy name '" + policy.name() + "'");
            } else if (policy != null) {
                policies.add(policy);
            }
        }
        return policies;
    }

    private AuthorizationPolicy policy(Node node, int index) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        String[] name = {"authorization[" + index + "]"};
        AuthorizationPolicy.Action[] action = {AuthorizationPolicy.Action.ALLOW};
        List<Rule> rules = new ArrayList<>();
        unsupported(new KeyTable("authorization policy"))
                .optional("name", e -> name[0] = nodes.string(e.value()))
                .optional("action", e -> action[0] = action(e.value()))
                .optional("rules", e -> rules.addAll(list(e.value(), this::rule)))
                .walk(mapping, node, problems);
        return problems.errorCount() == errorsBefore ? new AuthorizationPolicy(name[0], action[0], rules) : null;
    }

    private AuthorizationPolicy.Action action(Node node) {
        String text = nodes.string(node);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "ALLOW" -> AuthorizationPolicy.Action.ALLOW;
            case "DENY" -> AuthorizationPolicy.Action.DENY;
            case "AUDIT", "CUSTOM" -> {
                problems.error(node, "action " + text + " is not supported by the inbound port (ALLOW or DENY)");
                yield null;
            }
            default -> {
                problems.error(node, "unknown action '" + text + "' (expected ALLOW or DENY)");
                yield null;
            }
        };
    }

    private Rule rule(Node node) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        List<Source> from = new ArrayList<>();
        List<Operation> to = new ArrayList<>();
        List<Condition> when = new ArrayList<>();
        new KeyTable("rule")
                .optional("from", e -> from.addAll(list(e.value(), item -> wrapped(item, "source", this::source))))
                .optional("to", e -> to.addAll(list(e.value(), item -> wrapped(item, "operation", this::operation))))
                .optional("when", e -> when.addAll(list(e.value(), this::condition)))
                .walk(mapping, node, problems);
        return new Rule(from, to, when);
    }

    /** Istio's {@code - source: {...}} and {@code - operation: {...}} list items. */
    private <T> T wrapped(Node node, String key, Function<KeyTable.Entry, T> reader) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        List<T> read = new ArrayList<>(1);
        new KeyTable("list item").required(key, e -> read.add(reader.apply(e))).walk(mapping, node, problems);
        return read.isEmpty() ? null : read.get(0);
    }

    private Source source(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        Fields principals = new Fields(this::principal, false);
        Fields requestPrincipals = new Fields(this::string, false);
        Fields namespaces = new Fields(this::string, false);
        unsupported(new KeyTable("source"))
                .optional("principals", e -> principals.values(e.value()))
                .optional("notPrincipals", e -> principals.notValues(e.value()))
                .optional("requestPrincipals", e -> requestPrincipals.values(e.value()))
                .optional("notRequestPrincipals", e -> requestPrincipals.notValues(e.value()))
                .optional("namespaces", e -> namespaces.values(e.value()))
                .optional("notNamespaces", e -> namespaces.notValues(e.value()))
                .walk(mapping, entry.key(), problems);
        return new Source(principals.match(), requestPrincipals.match(), namespaces.match());
    }

    private Operation operation(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        Fields hosts = new Fields(this::string, true);
        Fields methods = new Fields(this::method, false);
        Fields paths = new Fields(this::path, false);
        unsupported(new KeyTable("operation"))
                .optional("hosts", e -> hosts.values(e.value()))
                .optional("notHosts", e -> hosts.notValues(e.value()))
                .optional("methods", e -> methods.values(e.value()))
                .optional("notMethods", e -> methods.notValues(e.value()))
                .optional("paths", e -> paths.values(e.value()))
                .optional("notPaths", e -> paths.notValues(e.value()))
                .walk(mapping, entry.key(), problems);
        return new Operation(hosts.match(), methods.match(), paths.match());
    }

    private Condition condition(Node node) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        Condition[] key = new Condition[1];
        Fields values = new Fields(this::string, false);
        new KeyTable("condition")
                .required("key", e -> key[0] = conditionKey(e.value()))
                .optional("values", e -> values.values(e.value()))
                .optional("notValues", e -> values.notValues(e.value()))
                .walk(mapping, node, problems);
        if (key[0] == null) {
            return null;
        }
        ValueMatch match = values.match();
        if (match.isAny()) {
            problems.error(node, "a condition needs values or notValues");
            return null;
        }
        return new Condition(key[0].key(), key[0].attribute(), key[0].path(), match);
    }

    /** The key alone, as a condition without values. */
    private Condition conditionKey(Node node) {
        String key = nodes.string(node);
        if (key == null) {
            return null;
        }
        for (Attribute attribute : Attribute.values()) {
            if (!attribute.indexed() && attribute.key().equals(key)) {
                return new Condition(key, attribute, List.of(), ValueMatch.ANY);
            }
        }
        Matcher indexed = INDEXED_KEY.matcher(key);
        if (indexed.matches()) {
            List<String> path = new ArrayList<>();
            for (Matcher index = INDEX.matcher(indexed.group(2)); index.find(); ) {
                path.add(index.group(1));
            }
            boolean header = indexed.group(1).equals(Attribute.HEADER.key());
            if (header && path.size() == 1) {
                return new Condition(key, Attribute.HEADER, List.of(path.get(0).toLowerCase(Locale.ROOT)), ValueMatch.ANY);
            }
            if (!header) {
                return new Condition(key, Attribute.CLAIM, path, ValueMatch.ANY);
            }
        }
        problems.error(node, "unsupported condition key '" + key + "' (expected request.headers[NAME], source.principal,"
                + " source.namespace, request.auth.principal, request.auth.audiences, request.auth.presenter or"
                + " request.auth.claims[NAME])");
        return null;
    }

    private String string(Node node) {
        String text = nodes.string(node);
        if (text != null && text.isEmpty()) {
            problems.error(node, "expected a non-empty string");
            return null;
        }
        return text;
    }

    /** Istio writes principals without the scheme; one written with it means the same. */
    private String principal(Node node) {
        String text = string(node);
        return text != null && text.startsWith(SpiffeId.SCHEME) ? text.substring(SpiffeId.SCHEME.length()) : text;
    }

    private String method(Node node) {
        String text = string(node);
        if (text != null && !METHOD.matcher(text).matches()) {
            problems.error(node, "bad method '" + text + "': write it in upper case, e.g. GET");
            return null;
        }
        return text;
    }

    private String path(Node node) {
        String text = string(node);
        if (text != null && !text.startsWith("/") && !text.startsWith("*")) {
            problems.error(node, "bad path '" + text + "': a path starts with '/' (or '*' for a suffix match)");
            return null;
        }
        return text;
    }

    // ---- jwt --------------------------------------------------------------------------------

    List<JwtRule> jwtRules(Node node) {
        Set<String> issuers = new HashSet<>();
        return list(node, item -> {
            JwtRule rule = jwtRule(item);
            if (rule != null && !issuers.add(rule.issuer())) {
                problems.error(item, "a second rule for issuer '" + rule.issuer() + "'");
                return null;
            }
            return rule;
        });
    }

    private JwtRule jwtRule(Node node) {
        MappingNode mapping = nodes.mapping(node);
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        String[] issuer = new String[1];
        List<String> audiences = new ArrayList<>();
        Path[] jwks = new Path[1];
        boolean[] forward = {false};
        new KeyTable("jwt rule")
                .required("issuer", e -> issuer[0] = string(e.value()))
                .optional("audiences", e -> audiences.addAll(list(e.value(), this::string)))
                .required("jwksFile", e -> jwks[0] = nodes.path(e.value()))
                .optional("forwardOriginalToken", e -> {
                    Boolean value = nodes.bool(e.value());
                    forward[0] = value != null && value;
                })
                .walk(mapping, node, problems);
        return problems.errorCount() == errorsBefore ? new JwtRule(issuer[0], audiences, jwks[0], forward[0]) : null;
    }

    // ---- rendering --------------------------------------------------------------------------

    static String render(List<AuthorizationPolicy> policies) {
        return list(policies, policy -> "{ name: " + TrafficReader.quoted(policy.name()) + ", action: " + policy.action()
                + ", rules: " + list(policy.rules(), AuthorizationReader::render) + " }");
    }

    private static String render(Rule rule) {
        StringJoiner out = new StringJoiner(", ", "{ ", " }").setEmptyValue("{}");
        if (!rule.from().isEmpty()) {
            out.add("from: " + list(rule.from(), source -> "{ source: " + fields(
                    "principals", source.principals(), "requestPrincipals", source.requestPrincipals(),
                    "namespaces", source.namespaces()) + " }"));
        }
        if (!rule.to().isEmpty()) {
            out.add("to: " + list(rule.to(), operation -> "{ operation: " + fields(
                    "hosts", operation.hosts(), "methods", operation.methods(), "paths", operation.paths()) + " }"));
        }
        if (!rule.when().isEmpty()) {
            out.add("when: " + list(rule.when(), condition -> fields("key: " + TrafficReader.quoted(condition.key()),
                    "values", condition.match())));
        }
        return out.toString();
    }

    static String renderJwt(List<JwtRule> rules) {
        return list(rules, rule -> "{ issuer: " + TrafficReader.quoted(rule.issuer())
                + (rule.audiences().isEmpty() ? "" : ", audiences: " + strings(rule.audiences()))
                + ", jwksFile: " + TrafficReader.quoted(rule.jwksFile().toString())
                + ", forwardOriginalToken: " + rule.forwardOriginalToken() + " }");
    }

    /** {@code name: [...]} and {@code notName: [...]} of each field that is set. */
    private static String fields(Object... namesAndMatches) {
        StringJoiner out = new StringJoiner(", ", "{ ", " }").setEmptyValue("{}");
        int from = 0;
        if (namesAndMatches.length % 2 == 1) {
            out.add((String) namesAndMatches[0]);
            from = 1;
        }
        for (int i = from; i < namesAndMatches.length; i += 2) {
            String name = (String) namesAndMatches[i];
            ValueMatch match = (ValueMatch) namesAndMatches[i + 1];
            if (!match.values().isEmpty()) {
                out.add(name + ": " + strings(match.values()));
            }
            if (!match.notValues().isEmpty()) {
                out.add("not" + Character.toUpperCase(name.charAt(0)) + name.substring(1) + ": " + strings(match.notValues()));
            }
        }
        return out.toString();
    }

    private static String strings(List<String> values) {
        return list(values, TrafficReader::quoted);
    }

    private static <T> String list(List<T> items, Function<T, String> render) {
        return items.stream().map(render).collect(Collectors.joining(", ", "[ ", " ]"));
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Each item read; an item that failed is left out (its error is reported). */
    private <T> List<T> list(Node node, Function<Node, T> reader) {
        SequenceNode sequence = node instanceof SequenceNode s ? s : nodes.sequence(node);
        List<T> items = new ArrayList<>();
        if (sequence != null) {
            for (Node item : sequence.getValue()) {
                T read = reader.apply(item);
                if (read != null) {
                    items.add(read);
                }
            }
        }
        return items;
    }

    /** Istio's keys that the inbound port cannot evaluate are refused by name, not as unknown. */
    private KeyTable unsupported(KeyTable table) {
        for (String key : UNSUPPORTED) {
            table.optional(key, e -> problems.error(e.key(), "'" + key + "' is not supported by jmesh's inbound port"));
        }
        return table;
    }

    /** A field's {@code values} and {@code notValues}. */
    private final class Fields {
        private final Function<Node, String> reader;
        private final boolean ignoreCase;
        private final List<String> values = new ArrayList<>();
        private final List<String> notValues = new ArrayList<>();

        Fields(Function<Node, String> reader, boolean ignoreCase) {
            this.reader = reader;
            this.ignoreCase = ignoreCase;
        }

        void values(Node node) {
            values.addAll(list(node, reader));
        }

        void notValues(Node node) {
            notValues.addAll(list(node, reader));
        }

        ValueMatch match() {
            return values.isEmpty() && notValues.isEmpty() ? ValueMatch.ANY : new ValueMatch(values, notValues, ignoreCase);
        }
    }
}

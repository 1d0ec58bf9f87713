package dev.jmesh.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The per-service resilience sections: {@code retries}, {@code circuitBreaker},
 * {@code outlierDetection} and {@code healthCheck}. Like {@link PolicyReader}, each section
 * builds its record only if it added no errors; fields it does not mention keep their defaults.
 */
final class ResilienceReader {

    private static final int MAX_ATTEMPTS = 10;
    private static final int MIN_STATUS = 100;
    private static final int MAX_STATUS = 599;
    private static final double MAX_BUDGET_RATIO = 10;
    private static final int MAX_BUDGET_PER_SECOND = 100_000;
    private static final int MAX_REQUEST_LIMIT = 1_000_000;
    private static final int MAX_CONSECUTIVE_ERRORS = 1000;
    private static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(1);
    private static final Map<String, RetryOn.Condition> CONDITIONS = Arrays.stream(RetryOn.Condition.values())
            .collect(Collectors.toMap(RetryOn.Condition::configName, Function.identity()));
    private static final String CONDITION_NAMES = Arrays.stream(RetryOn.Condition.values())
            .map(RetryOn.Condition::configName).collect(Collectors.joining(", "));

    private final Problems problems;
    private final Nodes nodes;

    ResilienceReader(Problems problems, Nodes nodes) {
        this.problems = problems;
        this.nodes = nodes;
    }

    // ---- retries ----------------------------------------------------------------------------

    /**
     * A retry policy plus the nodes the service needs for its own checks: the timeout warning,
     * and the keys that only mean something to HTTP calls.
     */
    record ParsedRetries(RetryPolicy policy, Node perTryTimeoutNode, List<ScalarNode> httpOnlyKeys) {
        static final ParsedRetries DEFAULT = new ParsedRetries(RetryPolicy.DEFAULT, null, List.of());
    }

    ParsedRetries retries(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        RetryDraft draft = new RetryDraft();
        new KeyTable("retries")
                .optional("attempts", e -> {
                    draft.attemptsNode = e.value();
                    draft.attempts = nodes.integer(e.value(), "attempts", 1, MAX_ATTEMPTS);
                })
                .optional("perTryTimeout", e -> {
                    draft.perTryTimeoutNode = e.value();
                    draft.perTryTimeout = nodes.duration(e.value(), "perTryTimeout", false);
                })
                .optional("retryOn", e -> {
                    draft.retrySettings.add(e.name());
                    draft.httpOnlyKeys.add(e.key());
                    draft.retryOn = retryOn(e.value());
                })
                .optional("backoff", e -> {
                    draft.retrySettings.add(e.name());
                    draft.httpOnlyKeys.add(e.key());
                    draft.backoff = backoff(e);
                })
                .optional("budget", e -> {
                    draft.retrySettings.add(e.name());
                    draft.httpOnlyKeys.add(e.key());
                    draft.budget = budget(e);
                })
                .optional("retryNonIdempotent", e -> {
                    draft.retrySettings.add(e.name());
                    draft.httpOnlyKeys.add(e.key());
                    draft.retryNonIdempotent = nodes.bool(e.value());
                })
                .walk(mapping, entry.key(), problems);
        // perTryTimeout is left out of retrySettings: it still bounds the one attempt.
        if (draft.attempts != null && draft.attempts == 1 && !draft.retrySettings.isEmpty()) {
            problems.warning(draft.attemptsNode, "attempts 1 means no retry: "
                    + String.join(", ", draft.retrySettings) + " will have no effect");
        }
        if (problems.errorCount() != errorsBefore) {
            return null;
        }
        return new ParsedRetries(new RetryPolicy(draft.attempts, draft.perTryTimeout, draft.retryOn,
                draft.backoff, draft.budget, draft.retryNonIdempotent), draft.perTryTimeoutNode, draft.httpOnlyKeys);
    }

    private static final class RetryDraft {
        Node attemptsNode;
        Integer attempts = RetryPolicy.DEFAULT.attempts();
        Node perTryTimeoutNode;
        Duration perTryTimeout = RetryPolicy.DEFAULT.perTryTimeout();
        RetryOn retryOn = RetryPolicy.DEFAULT.retryOn();
        Backoff backoff = RetryPolicy.DEFAULT.backoff();
        RetryBudget budget = RetryPolicy.DEFAULT.budget();
        Boolean retryNonIdempotent = RetryPolicy.DEFAULT.retryNonIdempotent();
        List<String> retrySettings = new ArrayList<>(); // keys that only matter when there is a retry
        List<ScalarNode> httpOnlyKeys = new ArrayList<>(); // keys a tcp service may not use
    }

    private RetryOn retryOn(Node node) {
        SequenceNode sequence = nodes.sequence(node);
        if (sequence == null) {
            return null;
        }
        if (sequence.getValue().isEmpty()) {
            // An empty list would silently mean "never retry"; attempts says that plainly.
            problems.error(sequence, "retryOn must not be empty (to turn retries off, set attempts: 1)");
            return null;
        }
        int errorsBefore = problems.errorCount();
        Set<RetryOn.Condition> conditions = EnumSet.noneOf(RetryOn.Condition.class);
        Set<Integer> statusCodes = new LinkedHashSet<>();
        Map<Object, Node> seen = new HashMap<>(); // condition or status code -> first item
        for (Node item : sequence.getValue()) {
            Object value = retryOnItem(item);
            if (value == null) {
                continue;
            }
            Node first = seen.putIfAbsent(value, item);
            if (first != null) {
                problems.error(item, "duplicate retryOn entry " + Nodes.describe(item)
                        + " (first listed at line " + (first.getStartMark().getLine() + 1) + ")");
            } else if (value instanceof RetryOn.Condition condition) {
                conditions.add(condition);
            } else {
                statusCodes.add((Integer) value);
            }
        }
        return problems.errorCount() == errorsBefore ? new RetryOn(conditions, statusCodes) : null;
    }

    /** A {@link RetryOn.Condition} or an {@code Integer} status code; null after an error. */
    private Object retryOnItem(Node item) {
        if (!(item instanceof ScalarNode scalar) || Nodes.isNull(item)) {
            problems.error(item, "expected a retry condition or status code, got " + Nodes.describe(item));
            return null;
        }
        String text = scalar.getValue();
        RetryOn.Condition condition = CONDITIONS.get(text);
        if (condition != null) {
            return condition;
        }
        // Anything number-like goes through the number checks, for their range and quote hints.
        if (scalar.getTag().equals(Tag.INT) || (!text.isEmpty() && text.chars().allMatch(Character::isDigit))) {
            return nodes.integer(item, "retryOn status code", MIN_STATUS, MAX_STATUS);
        }
        problems.error(item, "unknown retryOn entry " + Nodes.describe(item) + " (expected a status code "
                + MIN_STATUS + ".." + MAX_STATUS + " or one of: " + CONDITION_NAMES + ")");
        return null;
    }

    private Backoff backoff(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        BackoffDraft draft = new BackoffDraft();
        new KeyTable("backoff")
                .optional("base", e -> {
                    draft.baseNode = e.value();
                    draft.base = nodes.duration(e.value(), "backoff base", true);
                })
                .optional("max", e -> {
                    draft.maxNode = e.value();
                    draft.max = nodes.duration(e.value(), "backoff max", true);
                })
                .walk(mapping, entry.key(), problems);
        if (draft.base != null && draft.max != null && draft.base.compareTo(draft.max) > 0) {
            // Reported at max when it was written; otherwise base broke the default max.
            Node at = draft.maxNode != null ? draft.maxNode : draft.baseNode;
            problems.error(at, "backoff max " + written(draft.maxNode, draft.max) + " is below base "
                    + written(draft.baseNode, draft.base) + " (expected base <= max)");
        }
        return problems.errorCount() == errorsBefore ? new Backoff(draft.base, draft.max) : null;
    }

    private static final class BackoffDraft {
        Node baseNode;
        Duration base = Backoff.DEFAULT.base();
        Node maxNode;
        Duration max = Backoff.DEFAULT.max();
    }

    private RetryBudget budget(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        BudgetDraft draft = new BudgetDraft();
        new KeyTable("budget")
                .optional("ratio", e -> draft.ratio = nodes.decimal(e.value(), "ratio", 0, MAX_BUDGET_RATIO))
                .optional("minPerSecond", e -> draft.minPerSecond =
                        nodes.integer(e.value(), "minPerSecond", 0, MAX_BUDGET_PER_SECOND))
                .walk(mapping, entry.key(), problems);
        return problems.errorCount() == errorsBefore ? new RetryBudget(draft.ratio, draft.minPerSecond) : null;
    }

    private static final class BudgetDraft {
        Double ratio = RetryBudget.DEFAULT.ratio();
        Integer minPerSecond = RetryBudget.DEFAULT.minPerSecond();
    }

    // ---- circuitBreaker ---------------------------------------------------------------------

    CircuitBreakerPolicy circuitBreaker(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        BreakerDraft draft = new BreakerDraft();
        new KeyTable("circuitBreaker")
                .optional("maxConcurrentRequests", e -> draft.maxConcurrentRequests =
                        nodes.integer(e.value(), "maxConcurrentRequests", 1, MAX_REQUEST_LIMIT))
                .optional("maxPendingRequests", e -> draft.maxPendingRequests =
                        nodes.integer(e.value(), "maxPendingRequests", 0, MAX_REQUEST_LIMIT))
                .walk(mapping, entry.key(), problems);
        return problems.errorCount() == errorsBefore
                ? new CircuitBreakerPolicy(draft.maxConcurrentRequests, draft.maxPendingRequests)
                : null;
    }

    private static final class BreakerDraft {
        Integer maxConcurrentRequests = CircuitBreakerPolicy.DEFAULT.maxConcurrentRequests();
        Integer maxPendingRequests = CircuitBreakerPolicy.DEFAULT.maxPendingRequests();
    }

    // ---- outlierDetection -------------------------------------------------------------------

    /** The policy; null when turned off ({@code outlierDetection: off}) or after an error. */
    OutlierDetectionPolicy outlierDetection(KeyTable.Entry entry) {
        if (entry.value() instanceof ScalarNode scalar && !Nodes.isNull(scalar)) {
            switch (scalar.getValue()) {
                case "off", "false" -> {
                    return null;
                }
                case "on", "true" -> {
                    return OutlierDetectionPolicy.DEFAULT;
                }
                default -> { } // reported below
            }
        }
        if (!(entry.value() instanceof MappingNode mapping)) {
            problems.error(entry.value(), "expected a mapping, or off, got " + Nodes.describe(entry.value()));
            return null;
        }
        int errorsBefore = problems.errorCount();
        OutlierDraft draft = new OutlierDraft();
        new KeyTable("outlierDetection")
                .optional("consecutiveErrors", e -> draft.consecutiveErrors =
                        nodes.integer(e.value(), "consecutiveErrors", 1, MAX_CONSECUTIVE_ERRORS))
                .optional("interval", e -> draft.interval =
                        nodes.duration(e.value(), "outlierDetection interval", false))
                .optional("baseEjectionTime", e -> draft.baseEjectionTime =
                        nodes.duration(e.value(), "baseEjectionTime", false))
                .optional("maxEjectionPercent", e -> draft.maxEjectionPercent =
                        nodes.integer(e.value(), "maxEjectionPercent", 0, 100))
                .walk(mapping, entry.key(), problems);
        return problems.errorCount() == errorsBefore
                ? new OutlierDetectionPolicy(draft.consecutiveErrors, draft.interval, draft.baseEjectionTime,
                        draft.maxEjectionPercent)
                : null;
    }

    private static final class OutlierDraft {
        Integer consecutiveErrors = OutlierDetectionPolicy.DEFAULT.consecutiveErrors();
        Duration interval = OutlierDetectionPolicy.DEFAULT.interval();
        Duration baseEjectionTime = OutlierDetectionPolicy.DEFAULT.baseEjectionTime();
        Integer maxEjectionPercent = OutlierDetectionPolicy.DEFAULT.maxEjectionPercent();
    }

    // ---- healthCheck ------------------------------------------------------------------------

    HealthCheckPolicy healthCheck(KeyTable.Entry entry) {
        MappingNode mapping = nodes.mapping(entry.value());
        if (mapping == null) {
            return null;
        }
        int errorsBefore = problems.errorCount();
        HealthDraft draft = new HealthDraft();
        new KeyTable("healthCheck")
                .required("path", e -> draft.path = healthPath(e.value()))
                .optional("interval", e -> {
                    draft.intervalNode = e.value();
                    draft.interval = nodes.duration(e.value(), "healthCheck interval", false);
                })
                .optional("timeout", e -> {
                    draft.timeoutNode = e.value();
                    draft.timeout = nodes.duration(e.value(), "healthCheck timeout", false);
                })
                .walk(mapping, entry.key(), problems);
        // A probe still running when the next one is due would overlap it.
        if (draft.timeout != null && draft.interval != null && draft.timeout.compareTo(draft.interval) >= 0) {
            Node at = draft.timeoutNode != null ? draft.timeoutNode : draft.intervalNode;
            problems.error(at, "healthCheck timeout " + written(draft.timeoutNode, draft.timeout)
                    + " is not below interval " + written(draft.intervalNode, draft.interval)
                    + " (expected timeout < interval)");
        }
        return problems.errorCount() == errorsBefore
                ? new HealthCheckPolicy(draft.path, draft.interval, draft.timeout)
                : null;
    }

    private static final class HealthDraft {
        String path;
        Node intervalNode;
        Duration interval = DEFAULT_HEALTH_INTERVAL;
        Node timeoutNode;
        Duration timeout = DEFAULT_HEALTH_TIMEOUT;
    }

    private String healthPath(Node node) {
        String path = nodes.string(node);
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/")) {
            problems.error(node, "healthCheck path " + Nodes.describe(node) + " must start with '/'");
            return null;
        }
        if (path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            problems.error(node, "healthCheck path " + Nodes.describe(node)
                    + " must not contain spaces or control characters (percent-encode them, e.g. %20)");
            return null;
        }
        return path;
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** A duration as the file wrote it, or the default it fell back to, for messages. */
    static String written(Node node, Duration value) {
        return node instanceof ScalarNode scalar
                ? scalar.getValue()
                : Durations.format(value) + " (the default)";
    }

    // ---- rendering: each section as it reads, every default spelled out -----------------------

    /** The body of a {@code retries:} mapping, each key on its own line at {@code indent}. */
    static void renderRetries(RetryPolicy r, boolean http, String indent, StringBuilder out) {
        out.append(indent).append("attempts: ").append(r.attempts()).append('\n');
        if (r.perTryTimeout() != null) {
            out.append(indent).append("perTryTimeout: ").append(Durations.format(r.perTryTimeout())).append('\n');
        }
        if (!http) {
            return;
        }
        out.append(indent).append("retryOn: [").append(retryOnList(r.retryOn())).append("]\n");
        out.append(indent).append("backoff: { base: ").append(Durations.format(r.backoff().base())).append(", max: ")
                .append(Durations.format(r.backoff().max())).append(" }\n");
        out.append(indent).append("budget: { ratio: ").append(r.budget().ratio()).append(", minPerSecond: ")
                .append(r.budget().minPerSecond()).append(" }\n");
        out.append(indent).append("retryNonIdempotent: ").append(r.retryNonIdempotent()).append('\n');
    }

    static String renderCircuitBreaker(CircuitBreakerPolicy b) {
        return "{ maxConcurrentRequests: " + b.maxConcurrentRequests() + ", maxPendingRequests: "
                + b.maxPendingRequests() + " }";
    }

    static String renderOutlierDetection(OutlierDetectionPolicy o) {
        return o == null ? "off" : "{ consecutiveErrors: " + o.consecutiveErrors() + ", interval: "
                + Durations.format(o.interval()) + ", baseEjectionTime: " + Durations.format(o.baseEjectionTime())
                + ", maxEjectionPercent: " + o.maxEjectionPercent() + " }";
    }

    static String renderHealthCheck(HealthCheckPolicy h) {
        return "{ path: \"" + h.path() + "\", interval: " + Durations.format(h.interval()) + ", timeout: "
                + Durations.format(h.timeout()) + " }";
    }

    private static String retryOnList(RetryOn retryOn) {
        List<String> names = retryOn.conditions().stream().sorted().map(RetryOn.Condition::configName)
                .collect(Collectors.toList());
        retryOn.statusCodes().stream().sorted().forEach(code -> names.add(Integer.toString(code)));
        return names.isEmpty() ? "" : " " + String.join(", ", names) + " ";
    }
}

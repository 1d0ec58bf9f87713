package dev.jmesh.policy;

import java.util.List;
import java.util.Objects;

/**
 * One authorization policy of the inbound port: Istio's {@code AuthorizationPolicy} spec, with
 * its semantics. A request is refused if any {@code DENY} policy matches it; otherwise, if there
 * are {@code ALLOW} policies, it is let in only if one matches. A policy matches if any of its
 * rules does; a rule, if its {@code from}, {@code to} and {@code when} all do (each a list where
 * any entry counts; an absent list is no constraint). A policy without rules matches nothing; a
 * rule {@code {}} matches every request.
 *
 * @param name where the policy came from, for the log: its {@code name}, else its place in the list
 */
public record AuthorizationPolicy(String name, Action action, List<Rule> rules) {

    public enum Action { ALLOW, DENY }

    public AuthorizationPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        rules = List.copyOf(rules);
    }

    /** Empty lists are no constraint. */
    public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
        public Rule {
            from = List.copyOf(from);
            to = List.copyOf(to);
            when = List.copyOf(when);
        }
    }

    /**
     * Who called. Principals are SPIFFE IDs without the scheme, as Istio writes them
     * ({@code example.org/ns/default/sa/frontend}); request principals are a verified token's
     * {@code iss/sub}.
     */
    public record Source(ValueMatch principals, ValueMatch requestPrincipals, ValueMatch namespaces) {}

    /** What was asked: the {@code Host}, the method, and the path without its query, normalized. */
    public record Operation(ValueMatch hosts, ValueMatch methods, ValueMatch paths) {}

    /**
     * A condition on one attribute, Istio's {@code key}: {@code request.headers[NAME]},
     * {@code source.principal}, {@code source.namespace}, {@code request.auth.principal},
     * {@code request.auth.audiences}, {@code request.auth.presenter},
     * {@code request.auth.claims[NAME]} (nested: {@code [a][b]}).
     *
     * @param path the key's bracketed names: the header's, or the claim's path
     */
    public record Condition(String key, Attribute attribute, List<String> path, ValueMatch match) {
        public Condition {
            path = List.copyOf(path);
        }
    }

    /** The attributes a condition can read. */
    public enum Attribute {
        HEADER("request.headers"),
        SOURCE_PRINCIPAL("source.principal"),
        SOURCE_NAMESPACE("source.namespace"),
        REQUEST_PRINCIPAL("request.auth.principal"),
        AUDIENCES("request.auth.audiences"),
        PRESENTER("request.auth.presenter"),
        CLAIM("request.auth.claims");

        private final String key;

        Attribute(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Whether the key takes bracketed names after it. */
        public boolean indexed() {
            return this == HEADER || this == CLAIM;
        }
    }
}

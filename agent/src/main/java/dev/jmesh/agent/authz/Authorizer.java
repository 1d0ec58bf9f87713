package dev.jmesh.agent.authz;

import dev.jmesh.policy.AuthorizationPolicy.Action;
import dev.jmesh.policy.AuthorizationPolicy.Condition;
import dev.jmesh.policy.AuthorizationPolicy.Operation;
import dev.jmesh.policy.AuthorizationPolicy.Rule;
import dev.jmesh.policy.AuthorizationPolicy.Source;
import dev.jmesh.policy.AuthorizationPolicy;
import dev.jmesh.policy.ValueMatch;
import java.util.List;

/**
 * Istio's AuthorizationPolicy evaluation, for one inbound port: deny wins; then, if there are
 * allow policies, one must match. Immutable: a new policy is a new authorizer.
 */
public final class Authorizer {

    public static final Authorizer NONE = new Authorizer(List.of(), List.of());

    private final List<AuthorizationPolicy> deny;
    private final List<AuthorizationPolicy> allow;

    private Authorizer(List<AuthorizationPolicy> deny, List<AuthorizationPolicy> allow) {
        this.deny = deny;
        this.allow = allow;
    }

    public static Authorizer of(List<AuthorizationPolicy> policies) {
        return policies.isEmpty() ? NONE : new Authorizer(
                policies.stream().filter(p -> p.action() == Action.DENY).toList(),
                policies.stream().filter(p -> p.action() == Action.ALLOW).toList());
    }

    public boolean isEmpty() {
        return deny.isEmpty() && allow.isEmpty();
    }

    @Override
    public String toString() {
        return deny.size() + " deny and " + allow.size() + " allow policies";
    }

    /** @return null when the request may go on, else why not (the policy that refused it) */
    public String refusal(RequestFacts request) {
        for (AuthorizationPolicy policy : deny) {
            if (matches(policy, request)) {
                return "denied by " + policy.name();
            }
        }
        if (allow.isEmpty()) {
            return null;
        }
        for (AuthorizationPolicy policy : allow) {
            if (matches(policy, request)) {
                return null;
            }
        }
        return "no allow policy matched";
    }

    private static boolean matches(AuthorizationPolicy policy, RequestFacts request) {
        for (Rule rule : policy.rules()) {
            if (matches(rule, request)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Rule rule, RequestFacts request) {
        return (rule.from().isEmpty() || rule.from().stream().anyMatch(source -> matches(source, request)))
                && (rule.to().isEmpty() || rule.to().stream().anyMatch(operation -> matches(operation, request)))
                && rule.when().stream().allMatch(condition -> matches(condition, request));
    }

    private static boolean matches(Source source, RequestFacts request) {
        return source.principals().matches(request.principal())
                && source.requestPrincipals().matches(request.token() == null ? null : request.token().principal())
                && source.namespaces().matches(request.namespace());
    }

    private static boolean matches(Operation operation, RequestFacts request) {
        return hostMatches(operation.hosts(), request.host())
                && operation.methods().matches(request.method())
                && operation.paths().matches(request.path());
    }

    /** A host is matched as sent and without its port: {@code orders} matches {@code orders:8080}, either way. */
    private static boolean hostMatches(ValueMatch hosts, String host) {
        if (hosts.isAny()) {
            return true;
        }
        int colon = host == null ? -1 : host.lastIndexOf(':');
        return colon > 0 && host.indexOf(']', colon) < 0
                ? hosts.matchesAnyOf(List.of(host, host.substring(0, colon)))
                : hosts.matches(host);
    }

    private static boolean matches(Condition condition, RequestFacts request) {
        ValueMatch match = condition.match();
        return switch (condition.attribute()) {
            case HEADER -> match.matches(request.headers().apply(condition.path().get(0)));
            case SOURCE_PRINCIPAL -> match.matches(request.principal());
            case SOURCE_NAMESPACE -> match.matches(request.namespace());
            case REQUEST_PRINCIPAL -> match.matches(request.token() == null ? null : request.token().principal());
            case AUDIENCES -> match.matchesAnyOf(request.token() == null ? List.of() : request.token().audiences());
            case PRESENTER -> match.matches(request.token() == null ? null : request.token().presenter());
            case CLAIM -> match.matchesAnyOf(request.token() == null ? List.of() : request.token().claim(condition.path()));
        };
    }
}

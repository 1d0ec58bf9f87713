package dev.jmesh.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a service's requests are steered: its subsets, its routes (first match wins), and the
 * rate limit of requests no route limits.
 *
 * @param subsets   name to the labels an endpoint must carry; unmodifiable, in file order
 * @param routes    in order; a request no route matches goes to the whole service
 * @param rateLimit the service's own limit, or {@code null}
 */
public record TrafficPolicy(Map<String, Map<String, String>> subsets, List<RouteConfig> routes,
                            RateLimitPolicy rateLimit) {

    /** No subsets, no routes, no limit: every request goes to the whole service. */
    public static final TrafficPolicy NONE = new TrafficPolicy(Map.of(), List.of(), null);

    public TrafficPolicy {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        subsets.forEach((name, labels) -> copy.put(Objects.requireNonNull(name), Map.copyOf(labels)));
        subsets = Collections.unmodifiableMap(copy);
        routes = List.copyOf(routes);
        for (RouteConfig route : routes) {
            for (String subset : route.subsetsNamed()) {
                if (!subsets.containsKey(subset)) {
                    throw new IllegalArgumentException("route '" + route.name() + "' names unknown subset '" + subset + "'");
                }
            }
        }
    }
}

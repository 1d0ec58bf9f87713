package dev.jmesh.agent.mesh;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.agent.traffic.TokenBucket;
import dev.jmesh.agent.traffic.WeightedSplit;
import dev.jmesh.policy.RouteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One route of a service in a route-table snapshot: the pools of its subsets behind their
 * split, its mirror's pool and its own rate limit (its match is compiled with the service's
 * other routes, in {@link dev.jmesh.agent.traffic.RouteSelector}). Immutable apart from the split's turn
 * counter and the bucket.
 */
final class ServiceRoute {

    private final RouteConfig config;
    private final WeightedSplit<EndpointPool> split;
    private final TokenBucket rateLimit;
    /** The pool copies of this route's requests go to, or null. */
    private final EndpointPool mirror;

    ServiceRoute(RouteConfig config, Map<String, EndpointPool> subsets, MeshClock clock) {
        this.config = config;
        List<EndpointPool> pools = new ArrayList<>();
        List<Integer> percents = new ArrayList<>();
        config.split().forEach((subset, percent) -> {
            pools.add(subsets.get(subset));
            percents.add(percent);
        });
        this.split = new WeightedSplit<>(pools, percents);
        this.rateLimit = config.rateLimit() == null ? null : new TokenBucket(config.rateLimit(), clock);
        this.mirror = config.mirror() == null ? null : subsets.get(config.mirror().to());
    }

    /** The pool copies of this route's requests go to, or null. */
    EndpointPool mirror() {
        return mirror;
    }

    RouteConfig config() {
        return config;
    }

    String name() {
        return config.name();
    }

    /** The route's own limit, or null for the service's. */
    TokenBucket rateLimit() {
        return rateLimit;
    }

    /**
     * The pool of this request: by the route's split, sticky when the request has a hash key
     * ({@code keyed}), else in the split's exact order.
     */
    EndpointPool pool(long requestHash, boolean keyed) {
        return keyed ? split.forHash(requestHash) : split.next();
    }
}

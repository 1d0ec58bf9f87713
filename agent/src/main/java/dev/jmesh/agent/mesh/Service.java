package dev.jmesh.agent.mesh;

import dev.jmesh.agent.health.HealthChecker;
import dev.jmesh.agent.health.OutlierDetector;
import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.resilience.CircuitBreaker;
import dev.jmesh.agent.resilience.FailoverTimeout;
import dev.jmesh.agent.resilience.RetryBudgetWindow;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.agent.traffic.RouteSelector;
import dev.jmesh.agent.traffic.TokenBucket;
import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.policy.Protocol;
import dev.jmesh.policy.RouteConfig;
import dev.jmesh.policy.ServiceConfig;
import dev.jmesh.policy.TlsPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mesh service in one route-table snapshot: its policy, its endpoints, and the runtime
 * state its calls share (pools and routes, breaker, retry budget, rate limit, outlier
 * detector, health checker).
 *
 * <p>The pick path reads one volatile {@link Rotation} of a pool; endpoints leaving or
 * returning rebuild every pool's under this object's lock, which the pick path never takes.
 */
public final class Service implements AutoCloseable {

    private final ServiceConfig config;
    private final List<Endpoint> endpoints;
    private final CircuitBreaker breaker;
    private final RetryBudgetWindow budget;
    private final OutlierDetector outliers;
    private final HealthChecker healthChecker;
    private final ServiceMetrics metrics;
    /** The bound on attempts that can fail over, from this service's own latency (or connect times, for tcp). */
    private final FailoverTimeout failoverTimeout;
    private final MeshClock clock;
    /** retryOn's verdict per status code, computed once: the per-call check neither boxes nor hashes. */
    private final boolean[] retriedStatus = new boolean[600];
    /** The service's name resolved without a resolver: its own unreachable address. */
    private final InetAddress address;
    /** The TLS the mesh adds to calls to this service, or null. */
    private final TlsOrigination tls;
    /** How calls are secured, as their metrics say: null plaintext, else the server identity verified ("" for any). */
    private final String securedAs;
    /** Every endpoint: where a request no route takes goes. */
    private final EndpointPool whole;
    /** Each subset's endpoints, by name, in policy order. */
    private final Map<String, EndpointPool> subsets;
    private final ServiceRoute[] routes;
    /** Which of {@link #routes} a request takes; null without routes. */
    private final RouteSelector selector;
    /** The service's own rate limit, or null. */
    private final TokenBucket rateLimit;
    /** Copies for the routes' mirrors; null when no route mirrors. */
    private final Mirroring mirroring;

    /**
     * @param endpoints one per endpoint of {@code config}, in the same order
     * @param localZone this workload's zone, or null
     */
    Service(ServiceConfig config, List<Endpoint> endpoints, ServiceMetrics metrics, TlsOrigination tls, MeshClock clock,
            String localZone) {
        this.tls = tls;
        // Mutual TLS is the mesh's own security; simple TLS to a service outside it is not.
        this.securedAs = config.tls() == null || config.tls().mode() != TlsPolicy.Mode.MUTUAL ? null
                : config.tls().serverIdentity();
        this.clock = clock;
        this.failoverTimeout = new FailoverTimeout(clock.nanoTime());
        this.config = config;
        this.endpoints = List.copyOf(endpoints);
        this.metrics = metrics;
        for (int status = 100; status < retriedStatus.length; status++) {
            retriedStatus[status] = config.retries().retryOn().retriesStatus(status);
        }
        this.address = ServiceAddresses.of(config.name());
        this.breaker = new CircuitBreaker(config.circuitBreaker());
        this.budget = new RetryBudgetWindow(config.retries().budget());
        this.whole = new EndpointPool(null, metrics, this.endpoints, config.balancer(), config.slowStart(), clock,
                localZone);
        Map<String, EndpointPool> pools = new LinkedHashMap<>();
        config.traffic().subsets().forEach((name, labels) -> {
            List<Endpoint> members = new ArrayList<>();
            for (int i = 0; i < this.endpoints.size(); i++) {
                if (config.endpoints().get(i).matches(labels)) {
                    members.add(this.endpoints.get(i));
                }
            }
            pools.put(name, new EndpointPool(name, metrics.subset(name), members, config.balancer(), config.slowStart(),
                    clock, localZone));
        });
        this.subsets = Map.copyOf(pools);
        List<ServiceRoute> compiled = new ArrayList<>();
        for (RouteConfig route : config.traffic().routes()) {
            compiled.add(new ServiceRoute(route, this.subsets, clock));
        }
        this.routes = compiled.toArray(new ServiceRoute[0]);
        this.selector = routes.length == 0 ? null
                : new RouteSelector(config.traffic().routes().stream().map(RouteConfig::match).toList());
        this.rateLimit = config.traffic().rateLimit() == null ? null : new TokenBucket(config.traffic().rateLimit(), clock);
        this.mirroring = config.traffic().routes().stream().anyMatch(r -> r.mirror() != null)
                ? new Mirroring(config.name(), metrics) : null;
        this.outliers = new OutlierDetector(config.outlierDetection(), this.endpoints, this::refreshRotation, metrics,
                clock);
        for (Endpoint e : this.endpoints) {
            if (e.health().ejected()) {
                outliers.adopt(e); // carried over from the previous table, still ejected: bring it back here
            }
        }
        this.healthChecker = config.healthCheck() == null ? null
                : new HealthChecker(config.healthCheck(), this.endpoints, config.name(), this::refreshRotation, clock);
    }

    public String name() {
        return config.name();
    }

    public ServiceConfig config() {
        return config;
    }

    public Protocol protocol() {
        return config.protocol();
    }

    TlsOrigination tls() {
        return tls;
    }

    /** How the mesh secures calls: null plaintext, else the server identity it verifies ({@code ""} for any). */
    String securedAs() {
        return securedAs;
    }

    /** The endpoint at {@code address}, or null. */
    Endpoint endpointAt(InetSocketAddress address) {
        for (Endpoint e : endpoints) {
            if (e.address().equals(address)) {
                return e;
            }
        }
        return null;
    }

    /** What the service's name resolves to (see {@link ServiceAddresses}). */
    InetAddress address() {
        return address;
    }

    /**
     * Whether a connection to the service's name is balanced per connection, for every
     * resolver and socket: a tcp service's; and an http service's whose endpoints speak TLS
     * ({@code tls: simple}), which an application's own {@code https://} reaches that way, its
     * TLS intact. The mesh's {@code http://} clients route per request before any name lookup.
     */
    boolean routedPerConnection() {
        return config.protocol() == Protocol.TCP
                || config.tls() != null && config.tls().mode() == TlsPolicy.Mode.SIMPLE;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RetryBudgetWindow budget() {
        return budget;
    }

    public OutlierDetector outliers() {
        return outliers;
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    FailoverTimeout failoverTimeout() {
        return failoverTimeout;
    }

    /** Where this service's calls read the time. */
    MeshClock clock() {
        return clock;
    }

    /** Whether {@code retryOn} retries a response with this status. */
    boolean retriesStatus(int status) {
        return status >= 0 && status < retriedStatus.length && retriedStatus[status];
    }

    /** Every endpoint of the service, as one pool. */
    EndpointPool whole() {
        return whole;
    }

    /** The first route that takes this request, or null: then it goes to the whole service. */
    ServiceRoute route(String method, String rawPath, String rawQuery, RequestHeaders headers) {
        if (selector == null) {
            return null;
        }
        int route = selector.select(method, rawPath, rawQuery, headers);
        return route == RouteSelector.NONE ? null : routes[route];
    }

    /**
     * Where a connection goes: by a tcp service's first route (which matches every connection:
     * its split, sticky per source host with {@code hashKey: source-ip}), or the whole service.
     */
    EndpointPool connectionPool() {
        if (routes.length == 0) {
            return whole;
        }
        boolean sticky = routes[0].config().hashKey() != null;
        return routes[0].pool(sticky ? SourceAddress.HASH : 0, sticky);
    }

    /** The service's own rate limit, or null. */
    TokenBucket rateLimit() {
        return rateLimit;
    }

    Mirroring mirroring() {
        return mirroring;
    }

    /** Picks an endpoint in rotation of the whole service; {@code null} when none is in rotation. */
    Endpoint pick(long requestHash) {
        return whole.pick(requestHash);
    }

    synchronized void refreshRotation() {
        whole.refresh();
        for (EndpointPool pool : subsets.values()) {
            pool.refresh();
        }
    }

    @Override
    public void close() {
        outliers.close();
        if (healthChecker != null) {
            healthChecker.close();
        }
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.config.Protocol;
import dev.jmesh.agent.config.ServiceConfig;
import dev.jmesh.agent.health.HealthChecker;
import dev.jmesh.agent.health.OutlierDetector;
import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.resilience.CircuitBreaker;
import dev.jmesh.agent.resilience.FailoverTimeout;
import dev.jmesh.agent.resilience.RetryBudgetWindow;
import dev.jmesh.agent.routing.Balancers;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.MeshClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A mesh service in one route-table snapshot: its policy, its endpoints, and the runtime
 * state its calls share (rotation, breaker, retry budget, outlier detector, health checker).
 *
 * <p>The pick path reads one volatile {@link Rotation}; endpoints leaving or returning
 * rebuild it under this object's lock, which the pick path never takes.
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
    /** The mutual TLS the mesh adds to calls to this service, or null. */
    private final ServiceTls tls;
    private volatile Rotation rotation;

    Service(ServiceConfig config, List<Endpoint> endpoints, ServiceMetrics metrics, ServiceTls tls, MeshClock clock) {
        this.tls = tls;
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
        this.rotation = buildRotation();
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

    ServiceTls tls() {
        return tls;
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

    /** Picks an endpoint in rotation for a first attempt; {@code null} when none is in rotation. */
    Endpoint pick(long requestHash) {
        Rotation current = rotation;
        return current.isEmpty() ? null : current.balancer().pick(requestHash);
    }

    /**
     * Picks an endpoint for a retry, without a balancer turn (so an endpoint that fails does not
     * take the first attempt of every call): the next one in rotation after the last one tried
     * that the call has not tried (the first {@code triedCount} of {@code tried}), as Envoy's
     * previous-hosts retry predicate does; then, rather than repeat a failure, one out of
     * rotation the call has not tried (ejected a while ago, and perhaps back: a panic for this
     * one call, as Envoy routes to every host when too few are healthy); once every endpoint was
     * tried, the next in rotation after the last one tried.
     *
     * @return the endpoint, or {@code null} when none is in rotation
     */
    Endpoint pickRetry(Endpoint[] tried, int triedCount) {
        Rotation current = rotation;
        if (current.isEmpty()) {
            return null;
        }
        Endpoint next = current.after(tried[triedCount - 1]);
        Endpoint untried = current.untried(next, tried, triedCount);
        if (untried != null) {
            return untried;
        }
        for (Endpoint e : endpoints) {
            if (!Rotation.contains(tried, triedCount, e)) {
                return e;
            }
        }
        return next;
    }

    Rotation rotation() {
        return rotation;
    }

    /** Why no endpoint is in rotation, e.g. {@code 3 of 3 failing health checks}. */
    String noEndpointReason() {
        return endpoints.size() + " of " + endpoints.size() + " failing health checks";
    }

    synchronized void refreshRotation() {
        rotation = buildRotation();
    }

    private Rotation buildRotation() {
        List<Endpoint> inRotation = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            if (e.health().inRotation()) {
                inRotation.add(e);
            }
        }
        return new Rotation(inRotation.toArray(new Endpoint[0]), inRotation.isEmpty() ? null
                : Balancers.create(config.balancer(), inRotation, config.slowStart(), clock));
    }

    @Override
    public void close() {
        outliers.close();
        if (healthChecker != null) {
            healthChecker.close();
        }
    }
}

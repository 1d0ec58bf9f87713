package dev.jmesh.agent.mesh;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.EndpointConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.ServiceConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of every mesh service by name. A new policy builds a new table off
 * the hot path; the router publishes it with one volatile write.
 */
public final class RouteTable implements AutoCloseable {

    public static final RouteTable EMPTY = new RouteTable(Map.of(), MeshSecurity.NONE, MeshClock.SYSTEM, null);

    private final Map<String, Service> services;
    private final MeshSecurity security;
    private final MeshClock clock;
    /** This workload's zone, for locality; null for none. */
    private final String zone;
    /** Services the mesh secures, by {@code host:port} of each endpoint, as written and as resolved. */
    private final Map<String, Service> securedEndpoints;

    private RouteTable(Map<String, Service> services, MeshSecurity security, MeshClock clock, String zone) {
        this.services = services;
        this.security = security;
        this.clock = clock;
        this.zone = zone;
        Map<String, Service> secured = new HashMap<>();
        for (Service service : services.values()) {
            if (service.tls() != null) {
                for (Endpoint e : service.endpoints()) {
                    secured.put(e.address().getHostString() + ":" + e.address().getPort(), service);
                    secured.put(e.key(), service);
                }
            }
        }
        this.securedEndpoints = Map.copyOf(secured);
    }

    /** Builds the table for a policy without mutual TLS, counting into {@code metrics}. */
    public static RouteTable of(MeshConfig config, MeshMetrics metrics, MeshClock clock) {
        return initial(config, metrics, MeshSecurity.NONE, clock);
    }

    /**
     * The first table, with the workload's identity for the services that ask for mutual TLS;
     * its services, and those of every table built from it, read the time from {@code clock}.
     */
    public static RouteTable initial(MeshConfig config, MeshMetrics metrics, MeshSecurity security, MeshClock clock) {
        return build(config, metrics, new RouteTable(Map.of(), security, clock, config.zone()));
    }

    /**
     * Builds the table for a new policy. A service whose policy is unchanged from
     * {@code previous} is carried over as it is, runtime state included (ejections, health,
     * load, breaker), so a push that changes one service does not reset the others. In a
     * service that did change, an endpoint that stays (same address, weight and zone, same
     * outlier-detection and health-check policies) keeps its state: an ejected endpoint stays
     * ejected for the rest of its time, its load and latency figures go on.
     */
    public static RouteTable of(MeshConfig config, MeshMetrics metrics, RouteTable previous) {
        return build(config, metrics, previous);
    }

    private static RouteTable build(MeshConfig config, MeshMetrics metrics, RouteTable previous) {
        Map<String, Service> services = new HashMap<>();
        for (ServiceConfig service : config.services().values()) {
            Service old = previous.services.get(service.name());
            if (old != null && old.config().equals(service) && Objects.equals(previous.zone, config.zone())) {
                services.put(service.name(), old);
                continue;
            }
            List<Endpoint> kept = old != null && sameHealthPolicies(old.config(), service) ? old.endpoints() : List.of();
            List<Endpoint> endpoints = new ArrayList<>(service.endpoints().size());
            for (EndpointConfig e : service.endpoints()) {
                InetSocketAddress address = new InetSocketAddress(e.host(), e.port());
                Endpoint same = null;
                for (Endpoint k : kept) {
                    if (k.address().equals(address) && k.weight() == e.weight() && Objects.equals(k.zone(), e.zone())) {
                        same = k;
                        break;
                    }
                }
                endpoints.add(same != null ? same : new Endpoint(address, e.weight(), e.zone(), previous.clock.nanoTime()));
            }
            services.put(service.name(), new Service(service, endpoints, metrics.service(service.name()),
                    previous.security.tlsFor(service), previous.clock, config.zone()));
        }
        return new RouteTable(Map.copyOf(services), previous.security, previous.clock, config.zone());
    }

    /** Health state means the same under both: it may be carried from one to the other. */
    private static boolean sameHealthPolicies(ServiceConfig a, ServiceConfig b) {
        return Objects.equals(a.outlierDetection(), b.outlierDetection()) && Objects.equals(a.healthCheck(), b.healthCheck());
    }

    /**
     * The service a host name stands for, or {@code null}. Names are matched without regard to
     * case or a trailing dot, as DNS would.
     */
    public Service service(String host) {
        Service service = services.get(host);
        if (service != null || services.isEmpty()) {
            return service;
        }
        String canonical = canonical(host);
        return canonical == host ? null : services.get(canonical);
    }

    boolean hasSecuredEndpoints() {
        return !securedEndpoints.isEmpty();
    }

    /** The service the mesh secures that has an endpoint at {@code host:port}, or {@code null}. */
    Service securedBy(String host, int port) {
        return securedEndpoints.isEmpty() || host == null ? null : securedEndpoints.get(host + ":" + port);
    }

    public int size() {
        return services.size();
    }

    /** The services, in no particular order. */
    public Collection<Service> services() {
        return services.values();
    }

    /** Stops the timers of the services; the table must no longer be in use. */
    @Override
    public void close() {
        services.values().forEach(Service::close);
    }

    /** Stops the timers of the services that {@code successor} did not carry over. */
    void closeExcept(RouteTable successor) {
        for (Service service : services.values()) {
            if (successor.services.get(service.name()) != service) {
                service.close();
            }
        }
    }

    /** Lower-cased and without a trailing dot; the same instance when already canonical. */
    private static String canonical(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (int i = 0; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }
}

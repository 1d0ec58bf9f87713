package dev.jmesh.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream service this workload calls, and how calls to it are made.
 *
 * @param name             the service name (the key under {@code services:})
 * @param endpoints        where the service runs; unmodifiable, never empty
 * @param balancer         how requests are spread over the endpoints
 * @param hashKey          what ring-hash and maglev hash on; null for other balancers
 * @param slowStart        how long a new or returning endpoint takes to reach its full share; null = no ramp
 * @param timeout          bound on the whole call, retries included; null = none
 * @param retries          when and how failed attempts are retried
 * @param circuitBreaker   limits on concurrent and pending requests
 * @param outlierDetection when endpoints are ejected; null = never ({@code outlierDetection: off})
 * @param healthCheck      active probing; null = none
 * @param protocol         whether calls are balanced per HTTP request or per TCP connection
 * @param tls              mutual TLS added by the mesh; null = plaintext ({@code tls: {mode: disable}})
 * @param traffic          subsets, routes and rate limit; {@link TrafficPolicy#NONE} for none
 */
public record ServiceConfig(String name, List<EndpointConfig> endpoints, BalancerKind balancer,
                            HashKey hashKey, Duration slowStart, Duration timeout, RetryPolicy retries,
                            CircuitBreakerPolicy circuitBreaker, OutlierDetectionPolicy outlierDetection,
                            HealthCheckPolicy healthCheck, Protocol protocol, TlsPolicy tls, TrafficPolicy traffic) {

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(traffic, "traffic");
        endpoints = List.copyOf(endpoints); // also rejects null elements
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("service '" + name + "' has no endpoints");
        }
        if (balancer.hashes() != (hashKey != null)) {
            throw new IllegalArgumentException("hashKey goes with ring-hash and maglev, and they need it");
        }
        if (hashKey != null && !hashKey.fits(protocol)) {
            throw new IllegalArgumentException("hashKey " + hashKey + " does not fit a " + protocol.configName() + " service");
        }
        if (protocol == Protocol.TCP && healthCheck != null) {
            throw new IllegalArgumentException("healthCheck probes HTTP; a tcp service cannot have one");
        }
        if (protocol == Protocol.TCP && (traffic.rateLimit() != null
                || !traffic.routes().stream().allMatch(ServiceConfig::fitsAConnection))) {
            throw new IllegalArgumentException("a tcp service takes subsets and routes with split or to only");
        }
    }

    /** A connection has no path, method or header to match, and no request to delay, abort or limit. */
    private static boolean fitsAConnection(RouteConfig route) {
        return route.match().matchesEverything() && route.timeout() == null && route.retries() == null
                && route.fault() == null && route.mirror() == null && route.rateLimit() == null
                && (route.hashKey() == null || route.hashKey().fits(Protocol.TCP));
    }

    /** An HTTP service with default policies. */
    public ServiceConfig(String name, List<EndpointConfig> endpoints, BalancerKind balancer) {
        this(builder(name, endpoints).balancer(balancer));
    }

    private ServiceConfig(Builder b) {
        this(b.name, b.endpoints, b.balancer, b.hashKey, b.slowStart, b.timeout, b.retries, b.circuitBreaker,
                b.outlierDetection, b.healthCheck, b.protocol, b.tls, b.traffic);
    }

    /** A service with every policy at its default, until set. */
    public static Builder builder(String name, List<EndpointConfig> endpoints) {
        return new Builder(name, endpoints);
    }

    /** Where each key's default lives: a new key is one field and one setter here. */
    public static final class Builder {
        private final String name;
        private List<EndpointConfig> endpoints;
        private BalancerKind balancer = BalancerKind.ROUND_ROBIN;
        private HashKey hashKey;
        private Duration slowStart;
        private Duration timeout;
        private RetryPolicy retries = RetryPolicy.DEFAULT;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.DEFAULT;
        private OutlierDetectionPolicy outlierDetection = OutlierDetectionPolicy.DEFAULT;
        private HealthCheckPolicy healthCheck;
        private Protocol protocol = Protocol.HTTP;
        private TlsPolicy tls;
        private TrafficPolicy traffic = TrafficPolicy.NONE;

        private Builder(String name, List<EndpointConfig> endpoints) {
            this.name = name;
            this.endpoints = endpoints;
        }

        public Builder endpoints(List<EndpointConfig> value) { endpoints = value; return this; }
        public Builder balancer(BalancerKind value) { balancer = value; return this; }
        public Builder hashKey(HashKey value) { hashKey = value; return this; }
        public Builder slowStart(Duration value) { slowStart = value; return this; }
        public Builder timeout(Duration value) { timeout = value; return this; }
        public Builder retries(RetryPolicy value) { retries = value; return this; }
        public Builder circuitBreaker(CircuitBreakerPolicy value) { circuitBreaker = value; return this; }
        public Builder outlierDetection(OutlierDetectionPolicy value) { outlierDetection = value; return this; }
        public Builder healthCheck(HealthCheckPolicy value) { healthCheck = value; return this; }
        public Builder protocol(Protocol value) { protocol = value; return this; }
        public Builder tls(TlsPolicy value) { tls = value; return this; }
        public Builder traffic(TrafficPolicy value) { traffic = value; return this; }

        public ServiceConfig build() {
            return new ServiceConfig(this);
        }
    }
}

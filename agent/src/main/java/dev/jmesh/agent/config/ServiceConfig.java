package dev.jmesh.agent.config;

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
 */
public record ServiceConfig(String name, List<EndpointConfig> endpoints, BalancerKind balancer,
                            HashKey hashKey, Duration slowStart, Duration timeout, RetryPolicy retries,
                            CircuitBreakerPolicy circuitBreaker, OutlierDetectionPolicy outlierDetection,
                            HealthCheckPolicy healthCheck, Protocol protocol, TlsPolicy tls) {

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        Objects.requireNonNull(protocol, "protocol");
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
    }

    /** An HTTP service with default policies. */
    public ServiceConfig(String name, List<EndpointConfig> endpoints, BalancerKind balancer) {
        this(name, endpoints, balancer, null, null, null, RetryPolicy.DEFAULT, CircuitBreakerPolicy.DEFAULT,
                OutlierDetectionPolicy.DEFAULT, null, Protocol.HTTP, null);
    }
}

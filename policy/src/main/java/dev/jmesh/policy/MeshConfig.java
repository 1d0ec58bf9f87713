package dev.jmesh.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole mesh policy of one workload.
 *
 * @param workload this application's service name, or {@code null} when not configured
 * @param admin    the admin server settings, or {@code null} for no admin server
 * @param services upstream services by name; unmodifiable, in file order, never {@code null}
 * @param control  the control link, or {@code null} for the local file only
 * @param inbound  this application's listening port, or {@code null}
 * @param identity this workload's certificate for mutual TLS, or {@code null}
 * @param drainTime how long, at JVM exit, calls in flight may take to finish
 * @param zone     this workload's zone, which locality-aware balancing keeps traffic in; or {@code null}
 * @param telemetry this workload's metadata for Istio's labels, and the access log; never {@code null}
 */
public record MeshConfig(String workload, AdminConfig admin, Map<String, ServiceConfig> services,
                         ControlConfig control, InboundConfig inbound, IdentityConfig identity, Duration drainTime,
                         String zone, TelemetryConfig telemetry) {

    /** Istio's default termination drain: long enough for a call, short next to Kubernetes' 30 s grace. */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(5);

    /** No workload, no admin server, no services. */
    public static final MeshConfig EMPTY = new MeshConfig(null, null, Map.of());

    public MeshConfig {
        // Copy into an insertion-ordered map so callers iterate services in file order,
        // and wrap it so nobody can mutate the shared model afterwards.
        Map<String, ServiceConfig> copy = new LinkedHashMap<>();
        if (services != null) {
            services.forEach((name, service) -> copy.put(
                    Objects.requireNonNull(name, "service name"),
                    Objects.requireNonNull(service, "service")));
        }
        services = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(drainTime, "drainTime");
        Objects.requireNonNull(telemetry, "telemetry");
    }

    /** A policy without control link, inbound port or identity. */
    public MeshConfig(String workload, AdminConfig admin, Map<String, ServiceConfig> services) {
        this(workload, admin, services, null, null, null, DEFAULT_DRAIN_TIME, null, TelemetryConfig.DEFAULTS);
    }

    /**
     * This policy with {@code pushed} services laid over its own: a pushed service replaces the
     * file's service of the same name; the file's other services stay.
     */
    public MeshConfig withPushed(Map<String, ServiceConfig> pushed) {
        Map<String, ServiceConfig> merged = new LinkedHashMap<>(services);
        merged.putAll(pushed);
        return new MeshConfig(workload, admin, merged, control, inbound, identity, drainTime, zone, telemetry);
    }
}

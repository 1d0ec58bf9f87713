package dev.jmesh.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a policy back as YAML in the file's own schema, every default spelled out: what the
 * admin endpoint's {@code /config} shows as the effective policy. Parsing the output gives the
 * same policy.
 */
public final class PolicyYaml {

    private PolicyYaml() {}

    public static String render(MeshConfig config) {
        StringBuilder out = new StringBuilder();
        if (config.workload() != null) {
            out.append("workload: ").append(config.workload()).append('\n');
        }
        if (config.admin() != null) {
            out.append("admin: { port: ").append(config.admin().port()).append(", bind: \"")
                    .append(config.admin().bind()).append("\" }\n");
        }
        ControlConfig control = config.control();
        if (control != null) {
            out.append("control: { servers: [ ").append(control.servers().stream().map(s -> '"' + s + '"')
                    .collect(Collectors.joining(", "))).append(" ]");
            if (control.tokenFile() != null) {
                out.append(", tokenFile: \"").append(control.tokenFile()).append('"');
            }
            if (control.cacheDir() != null) {
                out.append(", cacheDir: \"").append(control.cacheDir()).append('"');
            }
            out.append(" }\n");
        }
        InboundConfig inbound = config.inbound();
        if (inbound != null) {
            out.append("inbound: { port: ").append(inbound.port()).append(", mtls: ").append(inbound.mtls().configName());
            if (!inbound.allow().isEmpty()) {
                out.append(", allow: [ ").append(inbound.allow().stream().map(id -> '"' + id + '"')
                        .collect(Collectors.joining(", "))).append(" ]");
            }
            out.append(" }\n");
        }
        IdentityConfig identity = config.identity();
        if (identity != null) {
            out.append("identity: { trustDomain: \"").append(identity.trustDomain()).append("\", namespace: \"")
                    .append(identity.namespace()).append("\", certificate: \"").append(identity.certificate())
                    .append("\", key: \"").append(identity.key()).append("\", trustBundle: \"")
                    .append(identity.trustBundle()).append("\" }\n");
        }
        out.append("drainTime: ").append(Durations.format(config.drainTime())).append('\n');
        out.append("services:");
        if (config.services().isEmpty()) {
            out.append(" {}\n");
            return out.toString();
        }
        out.append('\n');
        for (ServiceConfig s : config.services().values()) {
            boolean http = s.protocol() == Protocol.HTTP;
            out.append("  ").append(s.name()).append(":\n");
            out.append("    protocol: ").append(s.protocol().configName()).append('\n');
            out.append("    endpoints:\n");
            for (EndpointConfig e : s.endpoints()) {
                out.append("      - { address: \"").append(e.address()).append("\", weight: ").append(e.weight());
                if (e.zone() != null) {
                    out.append(", zone: \"").append(e.zone()).append('"');
                }
                out.append(" }\n");
            }
            out.append("    balancer: ").append(s.balancer().configName()).append('\n');
            if (s.hashKey() != null) {
                out.append("    hashKey: \"").append(s.hashKey()).append("\"\n");
            }
            if (s.slowStart() != null) {
                out.append("    slowStart: ").append(Durations.format(s.slowStart())).append('\n');
            }
            if (s.timeout() != null) {
                out.append("    timeout: ").append(Durations.format(s.timeout())).append('\n');
            }
            RetryPolicy r = s.retries();
            out.append("    retries:\n");
            out.append("      attempts: ").append(r.attempts()).append('\n');
            if (r.perTryTimeout() != null) {
                out.append("      perTryTimeout: ").append(Durations.format(r.perTryTimeout())).append('\n');
            }
            if (http) {
                out.append("      retryOn: [").append(retryOn(r.retryOn())).append("]\n");
                out.append("      backoff: { base: ").append(Durations.format(r.backoff().base())).append(", max: ")
                        .append(Durations.format(r.backoff().max())).append(" }\n");
                out.append("      budget: { ratio: ").append(r.budget().ratio()).append(", minPerSecond: ")
                        .append(r.budget().minPerSecond()).append(" }\n");
                out.append("      retryNonIdempotent: ").append(r.retryNonIdempotent()).append('\n');
                out.append("    circuitBreaker: { maxConcurrentRequests: ").append(s.circuitBreaker().maxConcurrentRequests())
                        .append(", maxPendingRequests: ").append(s.circuitBreaker().maxPendingRequests()).append(" }\n");
            }
            OutlierDetectionPolicy o = s.outlierDetection();
            if (o == null) {
                out.append("    outlierDetection: off\n");
            } else {
                out.append("    outlierDetection: { consecutiveErrors: ").append(o.consecutiveErrors())
                        .append(", interval: ").append(Durations.format(o.interval()))
                        .append(", baseEjectionTime: ").append(Durations.format(o.baseEjectionTime()))
                        .append(", maxEjectionPercent: ").append(o.maxEjectionPercent()).append(" }\n");
            }
            if (s.tls() != null) {
                out.append("    tls: { mode: mutual, serverIdentity: \"").append(s.tls().serverIdentity()).append("\" }\n");
            }
            HealthCheckPolicy h = s.healthCheck();
            if (h != null) {
                out.append("    healthCheck: { path: \"").append(h.path()).append("\", interval: ")
                        .append(Durations.format(h.interval())).append(", timeout: ").append(Durations.format(h.timeout())).append(" }\n");
            }
        }
        return out.toString();
    }

    private static String retryOn(RetryOn retryOn) {
        List<String> names = retryOn.conditions().stream().sorted().map(RetryOn.Condition::configName)
                .collect(Collectors.toList());
        retryOn.statusCodes().stream().sorted().forEach(code -> names.add(Integer.toString(code)));
        return names.isEmpty() ? "" : " " + String.join(", ", names) + " ";
    }
}

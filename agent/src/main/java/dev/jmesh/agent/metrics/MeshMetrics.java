package dev.jmesh.agent.metrics;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's metrics registry. Per-service metrics outlive route tables: a new policy keeps
 * counting into the same series, as Prometheus counters must.
 */
public final class MeshMetrics {

    private final String workload;
    private final ConcurrentHashMap<String, ServiceMetrics> services = new ConcurrentHashMap<>();
    private final AtomicLong configVersion = new AtomicLong();

    /** @param workload this application's {@code workload}, or {@code null} ("unknown") */
    public MeshMetrics(String workload) {
        this.workload = workload == null ? "unknown" : workload;
    }

    public String workload() {
        return workload;
    }

    public ServiceMetrics service(String name) {
        return services.computeIfAbsent(name, ServiceMetrics::new);
    }

    Collection<ServiceMetrics> services() {
        return services.values();
    }

    public void configApplied(long version) {
        configVersion.set(version);
    }

    public long configVersion() {
        return configVersion.get();
    }
}

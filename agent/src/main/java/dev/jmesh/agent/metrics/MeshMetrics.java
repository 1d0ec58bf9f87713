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
    private final AtomicLong pushAcks = new AtomicLong();
    private final AtomicLong pushNacks = new AtomicLong();
    /** -1: no control link; 0: disconnected; 1: connected. */
    private volatile int linkState = -1;
    private volatile String snapshotVersion = "";
    private final InboundMetrics inbound = new InboundMetrics();

    /** @param workload this application's {@code workload}, or {@code null} ("unknown") */
    public MeshMetrics(String workload) {
        this.workload = workload == null ? "unknown" : workload;
    }

    public String workload() {
        return workload;
    }

    /** Connections to this workload's inbound port. */
    public InboundMetrics inbound() {
        return inbound;
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

    /** The control link is configured, and now connected or not. */
    public void linkConnected(boolean connected) {
        linkState = connected ? 1 : 0;
    }

    /** -1 without a control link, else 1 connected, 0 not. */
    public int linkState() {
        return linkState;
    }

    /** A pushed (or cached) snapshot is in effect. */
    public void pushApplied(String version) {
        snapshotVersion = version;
        pushAcks.incrementAndGet();
    }

    public void pushRejected() {
        pushNacks.incrementAndGet();
    }

    public long pushAcks() {
        return pushAcks.get();
    }

    public long pushNacks() {
        return pushNacks.get();
    }

    /** The version of the pushed snapshot in effect, "" for none. */
    public String snapshotVersion() {
        return snapshotVersion;
    }
}

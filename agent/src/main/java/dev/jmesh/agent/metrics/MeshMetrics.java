package dev.jmesh.agent.metrics;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.policy.MeshConfig;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's metrics registry. Per-service metrics outlive route tables: a new policy keeps
 * counting into the same series, as Prometheus counters must.
 */
public final class MeshMetrics {

    private final PeerMetadata local;
    /** This workload's SPIFFE ID, or null without an identity. */
    private final String principal;
    private final ConcurrentHashMap<String, ServiceMetrics> services = new ConcurrentHashMap<>();
    private final AtomicLong configVersion = new AtomicLong();
    private final AtomicLong pushAcks = new AtomicLong();
    private final AtomicLong pushNacks = new AtomicLong();
    /** -1: no control link; 0: disconnected; 1: connected. */
    private volatile int linkState = -1;
    private volatile String snapshotVersion = "";
    private final InboundMetrics inbound;
    private final ServedMetrics served;
    /** The access log, or null when off. */
    private volatile AccessLog accessLog;

    /** @param workload this application's {@code workload}, or {@code null} ("unknown"); Istio's defaults for the rest */
    public MeshMetrics(String workload) {
        this(PeerMetadata.local(new MeshConfig(workload, null, Map.of()), Map.of()), null);
    }

    /**
     * @param local     this workload's metadata
     * @param principal its SPIFFE ID, or null without an identity
     */
    public MeshMetrics(PeerMetadata local, String principal) {
        this.local = local;
        this.principal = principal;
        this.inbound = new InboundMetrics(this);
        this.served = new ServedMetrics(this);
    }

    public String workload() {
        return local.workload();
    }

    /** This workload's metadata, as its labels and its {@code x-jmesh-peer} header say it. */
    public PeerMetadata local() {
        return local;
    }

    /** This workload's SPIFFE ID, or null. */
    public String principal() {
        return principal;
    }

    /** Requests are logged to {@code log} from now on. */
    public void logTo(AccessLog log) {
        accessLog = log;
    }

    /** The access log, or null when off. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** Requests this workload's own servers answered. */
    public ServedMetrics served() {
        return served;
    }

    /** Connections to this workload's inbound port. */
    public InboundMetrics inbound() {
        return inbound;
    }

    public ServiceMetrics service(String name) {
        return services.computeIfAbsent(name, n -> new ServiceMetrics(this, n));
    }

    Collection<ServiceMetrics> services() {
        return services.values();
    }

    /** Sees one series of calls routed to a subset: its code and flags, and its duration histogram. */
    public interface SubsetSeriesVisitor {
        /**
         * @param boundsMillis the duration buckets' upper bounds in milliseconds, the last {@code +Inf}
         * @param counts       calls per bucket (not cumulative), so far
         */
        void series(String service, String subset, int responseCode, ResponseFlags flags, double[] boundsMillis,
                    long[] counts);
    }

    /** Every series of calls routed to a subset, so far: what the control link reports for rollouts. */
    public void visitSubsetSeries(SubsetSeriesVisitor visitor) {
        for (ServiceMetrics service : services.values()) {
            for (ServiceMetrics subset : service.subsets()) {
                for (RequestCounts counts : subset.requestCounts()) {
                    for (RequestSeries series : counts.series()) {
                        visitor.series(service.service(), subset.subset(), series.responseCode, series.flags,
                                series.duration.boundsWithInfinity(), series.duration.counts());
                    }
                }
            }
        }
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

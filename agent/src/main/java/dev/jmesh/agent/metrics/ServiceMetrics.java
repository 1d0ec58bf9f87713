package dev.jmesh.agent.metrics;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.bootstrap.ByteCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything counted for calls to one destination service. Label sets are bounded by
 * construction: the destination peers the service's answers name (at most
 * {@link PeerCounts#MAX_PEERS}), a status code (100–599) and one of a fixed set of flags; never a
 * URL or an endpoint address.
 */
public final class ServiceMetrics {

    private final MeshMetrics mesh;
    private final String service;
    /** The subset the requests counted here were routed to; null for the whole service. */
    private final String subset;
    private final ConcurrentHashMap<String, ServiceMetrics> subsets = new ConcurrentHashMap<>();
    /** Requests by how the connection was secured: "" plaintext, else the server identity the mesh verified. */
    private final ConcurrentHashMap<String, PeerCounts> requests = new ConcurrentHashMap<>();
    final LongAdder retries = new LongAdder();
    final LongAdder retryBudgetExhausted = new LongAdder();
    final LongAdder concurrencyRejections = new LongAdder();
    final LongAdder pendingRejections = new LongAdder();
    final LongAdder ejections = new LongAdder();
    final LongAdder tcpOpened = new LongAdder();
    final LongAdder tcpClosed = new LongAdder();
    final LongAdder tcpConnectFailures = new LongAdder();
    final Histogram tcpConnectDuration = Histogram.durations();
    /** The application's tcp bytes, as Envoy counts them at the source: what it wrote is received, what it read sent. */
    final TcpBytes tcpBytes = new TcpBytes();
    final LongAdder mirrorsSent = new LongAdder();
    final LongAdder mirrorsDropped = new LongAdder();
    final LongAdder mirrorsUnsupported = new LongAdder();
    /** What this workload's calls to the service say of it in {@code x-jmesh-peer}. */
    private final String callerHeader;

    ServiceMetrics(MeshMetrics mesh, String service) {
        this(mesh, service, null);
    }

    private ServiceMetrics(MeshMetrics mesh, String service, String subset) {
        this.mesh = mesh;
        this.service = service;
        this.subset = subset;
        this.callerHeader = mesh.local().header() + ";service=" + service;
    }

    /** The {@code x-jmesh-peer} header of this workload's calls to the service: its metadata, and the name it calls. */
    public String callerHeader() {
        return callerHeader;
    }

    public String service() {
        return service;
    }

    /** The access log of this workload, or null when off. */
    public AccessLog accessLog() {
        return mesh.accessLog();
    }

    /** This workload's name. */
    public String workload() {
        return mesh.workload();
    }

    /** The subset's name, or null for the whole service. */
    String subset() {
        return subset;
    }

    /**
     * Where requests routed to one of the service's subsets are counted: the same series with a
     * {@code destination_subset} label (bounded: the subsets the policy names).
     */
    public ServiceMetrics subset(String name) {
        return subsets.computeIfAbsent(name, n -> new ServiceMetrics(mesh, service, n));
    }

    /** The subsets' request metrics, in name order. */
    List<ServiceMetrics> subsets() {
        List<ServiceMetrics> all = new ArrayList<>(subsets.values());
        all.sort(Comparator.comparing(ServiceMetrics::subset));
        return all;
    }

    /**
     * Where one call is counted.
     *
     * @param securedAs  how the mesh secured the call: {@code null} plaintext, else the server
     *                   identity it verified ({@code ""} when the policy names none)
     * @param peerHeader the {@code x-jmesh-peer} header of the answer, or {@code null}
     */
    public RequestCounts requests(String securedAs, String peerHeader) {
        String key = securedAs == null ? "" : securedAs.isEmpty() ? "*" : securedAs;
        PeerCounts peers = requests.get(key);
        if (peers == null) {
            peers = requests.computeIfAbsent(key, k -> new PeerCounts(header -> labels(securedAs, header)));
        }
        return peers.of(peerHeader);
    }

    private String labels(String securedAs, String header) {
        String serverIdentity = securedAs == null || securedAs.isEmpty() ? null : securedAs;
        PeerMetadata destination = PeerMetadata.parse(header);
        if (serverIdentity != null) {
            destination = destination.authenticatedAs(serverIdentity);
        }
        return IstioLabels.render("source", mesh.local(), securedAs == null ? null : mesh.principal(), destination,
                serverIdentity, service, subset, "http", "unknown");
    }

    /** Labels of this service's tcp series. */
    String tcpLabels() {
        return IstioLabels.render("source", mesh.local(), null, PeerMetadata.UNKNOWN, null, service, null, "tcp",
                "unknown");
    }

    /** Every label set that counted a call, in label order. */
    List<RequestCounts> requestCounts() {
        List<RequestCounts> all = new ArrayList<>();
        requests.values().forEach(peers -> all.addAll(peers.all()));
        all.sort(Comparator.comparing(c -> c.labels));
        return all;
    }

    /** A copy of a request was sent to a mirror ({@code sent}), dropped (too many in flight), or the client cannot copy. */
    public void recordMirror(boolean sent, boolean dropped) {
        (sent ? mirrorsSent : dropped ? mirrorsDropped : mirrorsUnsupported).increment();
    }

    public void recordRetry() {
        retries.increment();
    }

    public void recordRetryBudgetExhausted() {
        retryBudgetExhausted.increment();
    }

    public void recordConcurrencyRejection() {
        concurrencyRejections.increment();
    }

    public void recordPendingRejection() {
        pendingRejections.increment();
    }

    public void recordEjection() {
        ejections.increment();
    }

    /** A tcp connection was opened; connecting took {@code nanos}, failed attempts included. */
    public void recordTcpOpened(long nanos) {
        tcpOpened.increment();
        tcpConnectDuration.record(nanos);
    }

    public void recordTcpClosed() {
        tcpClosed.increment();
    }

    /** One connect attempt to an endpoint failed (refused, timed out, unreachable). */
    public void recordTcpConnectFailure() {
        tcpConnectFailures.increment();
    }

    /** Where the bytes of this service's tcp connections are counted. */
    public ByteCount tcpBytes() {
        return tcpBytes;
    }

    boolean hasTcpActivity() {
        return tcpOpened.sum() + tcpConnectFailures.sum() > 0;
    }
}

package dev.jmesh.agent.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything counted for calls to one destination service. Label sets are bounded by
 * construction: a status code (100–599) and one of a fixed set of flags; never a URL or an
 * endpoint address.
 *
 * <p>The common series, a response without flags, is one array read; a series is created
 * once, on its first call, with a compare-and-set.
 */
public final class ServiceMetrics {

    private static final int MAX_STATUS = 600;

    private final String service;
    /** The subset the requests counted here were routed to; null for the whole service. */
    private final String subset;
    private final ConcurrentHashMap<String, ServiceMetrics> subsets = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<RequestSeries> responses = new AtomicReferenceArray<>(MAX_STATUS);
    private final ConcurrentHashMap<Integer, RequestSeries> flagged = new ConcurrentHashMap<>();
    final LongAdder retries = new LongAdder();
    final LongAdder retryBudgetExhausted = new LongAdder();
    final LongAdder concurrencyRejections = new LongAdder();
    final LongAdder pendingRejections = new LongAdder();
    final LongAdder ejections = new LongAdder();
    final LongAdder tcpOpened = new LongAdder();
    final LongAdder tcpClosed = new LongAdder();
    final LongAdder tcpConnectFailures = new LongAdder();
    final DurationHistogram tcpConnectDuration = new DurationHistogram();
    final LongAdder mirrorsSent = new LongAdder();
    final LongAdder mirrorsDropped = new LongAdder();
    final LongAdder mirrorsUnsupported = new LongAdder();

    ServiceMetrics(String service) {
        this(service, null);
    }

    private ServiceMetrics(String service, String subset) {
        this.service = service;
        this.subset = subset;
    }

    public String service() {
        return service;
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
        return subsets.computeIfAbsent(name, n -> new ServiceMetrics(service, n));
    }

    /** The subsets' request metrics, in name order. */
    List<ServiceMetrics> subsets() {
        List<ServiceMetrics> all = new ArrayList<>(subsets.values());
        all.sort(Comparator.comparing(ServiceMetrics::subset));
        return all;
    }

    /** A copy of a request was sent to a mirror ({@code sent}), dropped (too many in flight), or the client cannot copy. */
    public void recordMirror(boolean sent, boolean dropped) {
        (sent ? mirrorsSent : dropped ? mirrorsDropped : mirrorsUnsupported).increment();
    }

    /** One finished call: what the application got, and how long the whole call took. */
    public void recordRequest(int responseCode, ResponseFlags flags, long nanos) {
        if (flags == ResponseFlags.NONE && responseCode > 0 && responseCode < MAX_STATUS) {
            RequestSeries series = responses.get(responseCode);
            if (series == null) {
                responses.compareAndSet(responseCode, null, new RequestSeries(responseCode, flags));
                series = responses.get(responseCode);
            }
            series.record(nanos);
        } else {
            int code = Math.max(0, Math.min(responseCode, MAX_STATUS - 1));
            flagged.computeIfAbsent(code * 32 + flags.ordinal(), k -> new RequestSeries(code, flags)).record(nanos);
        }
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

    boolean hasTcpActivity() {
        return tcpOpened.sum() + tcpConnectFailures.sum() > 0;
    }

    /** The series seen so far, ordered by code then flags, for exposition. */
    List<RequestSeries> series() {
        List<RequestSeries> all = new ArrayList<>();
        for (int code = 0; code < MAX_STATUS; code++) {
            RequestSeries s = responses.get(code);
            if (s != null) {
                all.add(s);
            }
        }
        all.addAll(flagged.values());
        all.sort(Comparator.comparingInt((RequestSeries s) -> s.responseCode).thenComparing(s -> s.flags));
        return all;
    }
}

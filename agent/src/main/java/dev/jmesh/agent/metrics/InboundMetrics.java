package dev.jmesh.agent.metrics;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.inbound.InboundEvents;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections to this workload's inbound port, as Istio's destination-side reporter counts
 * them: by the caller's SPIFFE ID ({@code source_principal}) and whether it came over mutual
 * TLS ({@code connection_security_policy}). Refusals are counted, and the first few logged.
 */
public final class InboundMetrics implements InboundEvents {

    private static final int LOGGED_REFUSALS = 10;

    private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();
    final AtomicLong refused = new AtomicLong();

    /** Connections from one caller identity. */
    static final class Series {
        final String principal;
        final String securityPolicy;
        final LongAdder opened = new LongAdder();
        final LongAdder closed = new LongAdder();

        Series(String principal) {
            this.principal = principal;
            this.securityPolicy = principal.equals(PLAINTEXT) ? "none" : "mutual_tls";
        }
    }

    @Override
    public void opened(String principal) {
        series.computeIfAbsent(principal, Series::new).opened.increment();
    }

    @Override
    public void closed(String principal) {
        series.computeIfAbsent(principal, Series::new).closed.increment();
    }

    @Override
    public void refused(String why) {
        long count = refused.incrementAndGet();
        if (count <= LOGGED_REFUSALS) {
            AgentLog.line("inbound: refused " + why + (count == LOGGED_REFUSALS
                    ? " (further refusals are only counted: jmesh_inbound_refused_total)" : ""));
        }
    }

    Collection<Series> series() {
        return series.values();
    }
}

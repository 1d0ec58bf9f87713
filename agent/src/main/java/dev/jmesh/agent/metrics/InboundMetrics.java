package dev.jmesh.agent.metrics;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.inbound.InboundEvents;
import dev.jmesh.bootstrap.ByteCount;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections to this workload's inbound port, as Istio's destination-side reporter counts
 * them: by the caller's SPIFFE ID ({@code source_principal}, and the workload and namespace it
 * proves) and whether it came over mutual TLS ({@code connection_security_policy}), with the
 * bytes each way as they are copied. Refusals are counted, and the first few logged.
 */
public final class InboundMetrics implements InboundEvents {

    private static final int LOGGED_REFUSALS = 10;

    private final MeshMetrics mesh;
    private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();
    final AtomicLong refused = new AtomicLong();

    InboundMetrics(MeshMetrics mesh) {
        this.mesh = mesh;
    }

    /** Connections from one caller identity, and their bytes. */
    final class Series extends TcpBytes {
        final String labels;
        final LongAdder opened = new LongAdder();
        final LongAdder closed = new LongAdder();

        Series(String principal) {
            boolean plaintext = principal.equals(PLAINTEXT);
            PeerMetadata source = plaintext ? PeerMetadata.UNKNOWN : PeerMetadata.UNKNOWN.authenticatedAs(principal);
            PeerMetadata local = mesh.local();
            this.labels = IstioLabels.render("destination", source, plaintext ? null : principal, local,
                    plaintext ? null : mesh.principal(), local.workload(), null, "tcp", plaintext ? "none" : "mutual_tls");
        }
    }

    @Override
    public ByteCount opened(String principal) {
        Series s = series.computeIfAbsent(principal, Series::new);
        s.opened.increment();
        return s;
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

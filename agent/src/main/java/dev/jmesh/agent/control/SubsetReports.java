package dev.jmesh.agent.control;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.ResponseFlags;
import dev.jmesh.control.protocol.Frames;
import dev.jmesh.control.protocol.SubsetSummary;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this agent's calls to each subset did since the last report, for the control plane's
 * rollouts: read from the metrics the calls are already counted in (nothing more is done per
 * call), and subtracted from the totals of the previous report. Calls the mesh answered itself
 * (a fault's abort, a rate limit) never reached the subset and are left out.
 */
final class SubsetReports {

    private final MeshMetrics metrics;
    private Map<String, SubsetSummary> reported = Map.of();

    SubsetReports(MeshMetrics metrics) {
        this.metrics = metrics;
    }

    /** The REPORT payload: one line per subset with calls since the last one, at most {@link Frames#MAX_REPORT_LINES}. */
    synchronized String next() {
        Map<String, SubsetSummary> now = totals();
        StringBuilder out = new StringBuilder();
        int lines = 0;
        for (SubsetSummary total : now.values()) {
            SubsetSummary before = reported.get(total.key());
            SubsetSummary since = before == null ? total : total.minus(before);
            if (since.requests() > 0 && lines++ < Frames.MAX_REPORT_LINES) {
                out.append(since.line()).append('\n');
            }
        }
        reported = now;
        return out.toString();
    }

    private Map<String, SubsetSummary> totals() {
        Map<String, SubsetSummary> totals = new TreeMap<>();
        metrics.visitSubsetSeries((service, subset, code, flags, bounds, counts) -> {
            if (flags == ResponseFlags.FI || flags == ResponseFlags.RL) {
                return;
            }
            long calls = 0;
            for (long c : counts) {
                calls += c;
            }
            long[] byKind = new long[SubsetSummary.ErrorKind.values().length];
            SubsetSummary.ErrorKind kind = kind(code, flags);
            if (kind != null) {
                byKind[kind.ordinal()] = calls;
            }
            SubsetSummary series = new SubsetSummary(service, subset, calls, byKind, bounds, counts);
            totals.merge(series.key(), series, SubsetSummary::plus);
        });
        return totals;
    }

    /** Why a call failed, or null when it did not. */
    static SubsetSummary.ErrorKind kind(int code, ResponseFlags flags) {
        return switch (flags) {
            case UF, UH, UF_URX -> SubsetSummary.ErrorKind.CONNECT;
            case UT -> SubsetSummary.ErrorKind.TIMEOUT;
            case UC, UC_URX -> SubsetSummary.ErrorKind.RESET;
            case UO -> SubsetSummary.ErrorKind.OVERFLOW;
            default -> code >= 500 ? SubsetSummary.ErrorKind.STATUS_5XX : null;
        };
    }
}

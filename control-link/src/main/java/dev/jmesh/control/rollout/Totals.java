package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.ProtocolException;
import dev.jmesh.control.protocol.SubsetSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sums of subset summaries by {@link SubsetSummary#key()}, and their text form (one line each). */
final class Totals {

    private Totals() {}

    static String encode(Map<String, SubsetSummary> totals) {
        StringBuilder out = new StringBuilder();
        totals.values().forEach(s -> out.append(s.line()).append('\n'));
        return out.toString();
    }

    static Map<String, SubsetSummary> decode(String text) {
        Map<String, SubsetSummary> totals = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                try {
                    SubsetSummary s = SubsetSummary.parse(line);
                    totals.put(s.key(), s);
                } catch (ProtocolException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
        }
        return totals;
    }

    /** {@code totals} with {@code summaries} added. */
    static Map<String, SubsetSummary> add(Map<String, SubsetSummary> totals, List<SubsetSummary> summaries) {
        Map<String, SubsetSummary> sum = new LinkedHashMap<>(totals);
        for (SubsetSummary s : summaries) {
            sum.merge(s.key(), s, SubsetSummary::plus);
        }
        return sum;
    }
}

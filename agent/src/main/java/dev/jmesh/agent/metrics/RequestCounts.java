package dev.jmesh.agent.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The requests of one set of peer labels (who called whom, under which identity), by response
 * code and flags. The common series, a response without flags, is one array read; a series is
 * created once, on its first request, with a compare-and-set.
 */
public final class RequestCounts {

    private static final int MAX_STATUS = 600;

    /** The rendered labels every series here carries, without code and flags. */
    final String labels;
    private final AtomicReferenceArray<RequestSeries> responses = new AtomicReferenceArray<>(MAX_STATUS);
    private final ConcurrentHashMap<Integer, RequestSeries> flagged = new ConcurrentHashMap<>();

    RequestCounts(String labels) {
        this.labels = labels;
    }

    /**
     * One finished request: what the application got (or answered), how long it took, and its
     * body sizes (-1 when unknown).
     */
    public void record(int responseCode, ResponseFlags flags, long nanos, long requestBodyBytes, long responseBodyBytes) {
        RequestSeries series;
        if (flags == ResponseFlags.NONE && responseCode > 0 && responseCode < MAX_STATUS) {
            series = responses.get(responseCode);
            if (series == null) {
                responses.compareAndSet(responseCode, null, new RequestSeries(responseCode, flags));
                series = responses.get(responseCode);
            }
        } else {
            int code = Math.max(0, Math.min(responseCode, MAX_STATUS - 1));
            series = flagged.computeIfAbsent(code * 32 + flags.ordinal(), k -> new RequestSeries(code, flags));
        }
        series.record(nanos, requestBodyBytes, responseBodyBytes);
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

    /** Requests counted here, every code. */
    long total() {
        long total = 0;
        for (RequestSeries s : series()) {
            total += s.count();
        }
        return total;
    }
}

package dev.jmesh.agent.metrics;

/**
 * One label set of {@code istio_requests_total}, with its duration and size histograms. The
 * count is the duration histogram's: one striped add fewer per request, and the two can never
 * disagree.
 */
final class RequestSeries {

    final int responseCode;
    final ResponseFlags flags;
    final Histogram duration = Histogram.durations();
    final Histogram requestBytes = Histogram.sizes();
    final Histogram responseBytes = Histogram.sizes();

    RequestSeries(int responseCode, ResponseFlags flags) {
        this.responseCode = responseCode;
        this.flags = flags;
    }

    /** Sizes are body bytes; an unknown size (-1) counts as 0, so every histogram counts every request. */
    long count() {
        return duration.count();
    }

    void record(long nanos, long requestBodyBytes, long responseBodyBytes) {
        duration.record(nanos);
        requestBytes.record(Math.max(0, requestBodyBytes));
        responseBytes.record(Math.max(0, responseBodyBytes));
    }
}

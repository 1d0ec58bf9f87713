package dev.jmesh.agent.metrics;

import java.util.concurrent.atomic.LongAdder;

/** One label set of {@code istio_requests_total} and its duration histogram. */
final class RequestSeries {

    final int responseCode;
    final ResponseFlags flags;
    final LongAdder count = new LongAdder();
    final DurationHistogram duration = new DurationHistogram();

    RequestSeries(int responseCode, ResponseFlags flags) {
        this.responseCode = responseCode;
        this.flags = flags;
    }

    void record(long nanos) {
        count.increment();
        duration.record(nanos);
    }
}

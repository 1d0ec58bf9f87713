package dev.jmesh.agent.routing;

import dev.jmesh.agent.metrics.LatencyHistogram;
import java.util.concurrent.atomic.LongAdder;

/** What an endpoint has answered: attempts that succeeded, failed, and how long they took. */
public final class EndpointStats {

    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    /** An attempt got a response below 500 after {@code nanos}. */
    public void success(long nanos) {
        successes.increment();
        latency.record(nanos);
    }

    /** An attempt got a 5xx, or no response at all ({@code nanos < 0}). */
    public void failure(long nanos) {
        failures.increment();
        if (nanos >= 0) {
            latency.record(nanos);
        }
    }

    public long successes() {
        return successes.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public LatencyHistogram latency() {
        return latency;
    }
}

package dev.jmesh.benchmarks;

import dev.jmesh.agent.metrics.LatencyHistogram;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PeerMetadata;
import dev.jmesh.agent.metrics.ResponseFlags;
import dev.jmesh.agent.metrics.ServiceMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every call pays for metrics: finding its series by the answer's peer header, one
 * {@code istio_requests_total} increment with its duration and size histograms, and one
 * per-endpoint latency sample — on one thread, and on two threads recording into the same
 * series (the contended case).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MetricsRecord -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MetricsRecordBenchmark {

    private final ServiceMetrics service = new MeshMetrics("bench").service("orders");
    private final LatencyHistogram endpointLatency = new LatencyHistogram();
    /** A fresh string per answer in real calls; its hash is computed once per string either way. */
    private final String peerHeader = new PeerMetadata("orders", "shop", "orders", "v1", "eu-1").header();

    /** Each thread's own spread of durations, so histogram scans vary and threads share no state but the metrics. */
    @State(Scope.Thread)
    public static class Durations {
        long next = 1_234_567;

        long next() {
            next = next * 6364136223846793005L + 1442695040888963407L;
            return (next >>> 40) & 0xff_ffff;
        }
    }

    @Benchmark
    public void recordCall(Durations durations) {
        record(durations.next());
    }

    @Benchmark
    @Threads(2)
    public void recordCallTwoThreads(Durations durations) {
        record(durations.next());
    }

    private void record(long nanos) {
        service.requests(null, peerHeader).record(200, ResponseFlags.NONE, nanos, 120, 2_400);
        endpointLatency.record(nanos);
    }
}

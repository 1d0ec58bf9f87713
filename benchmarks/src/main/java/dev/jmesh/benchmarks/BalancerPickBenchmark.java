package dev.jmesh.benchmarks;

import dev.jmesh.agent.routing.Balancer;
import dev.jmesh.agent.routing.Balancers;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.routing.Hashing;
import dev.jmesh.policy.BalancerKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@link Balancer#pick(long)}: what every routed request pays.
 *
 * <p>Endpoints have weights 1 to 3, 0 to 3 requests in flight and different peak-EWMA RTTs, so
 * the weight- and load-aware paths are the ones measured. The request hashes are precomputed
 * and rotate through 1024 values, so hashing balancers do not hit one cached slot.
 *
 * <p>{@code pick} runs on one thread; {@code pickTwoThreads} on two sharing the balancer,
 * which shows the contention on round-robin's shared counter.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar BalancerPick -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BalancerPickBenchmark {

    private static final int HASHES = 1024; // a power of two, for the mask below

    @Param({"10", "100", "1000"})
    public int endpoints;

    @Param({"round-robin", "weighted-round-robin", "random", "least-request", "p2c-ewma", "ring-hash", "maglev"})
    public String balancer;

    private Balancer subject;
    private long[] hashes;

    /** Each thread's position in {@link #hashes}. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        BalancerKind kind = BalancerKind.fromConfigName(balancer)
                .orElseThrow(() -> new IllegalArgumentException("no balancer " + balancer));
        SplittableRandom random = new SplittableRandom(42);
        long now = System.nanoTime();
        List<Endpoint> list = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            InetSocketAddress address = new InetSocketAddress("10.1." + i / 250 + "." + (i % 250 + 1), 8080);
            Endpoint endpoint = new Endpoint(address, 1 + i % 3, "zone-" + i % 3, System.nanoTime());
            // One answer between 1 and 50 ms, then 0 to 3 requests left in flight.
            endpoint.load().started();
            endpoint.load().finished(random.nextLong(1_000_000L, 50_000_000L), now);
            for (int active = random.nextInt(4); active > 0; active--) {
                endpoint.load().started();
            }
            list.add(endpoint);
        }
        subject = Balancers.create(kind, list);
        hashes = new long[HASHES];
        for (int i = 0; i < HASHES; i++) {
            hashes[i] = Hashing.xxHash64("session-" + i);
        }
    }

    @Benchmark
    public Endpoint pick(Cursor cursor) {
        return subject.pick(hashes[cursor.next++ & (HASHES - 1)]);
    }

    @Benchmark
    @Threads(2)
    public Endpoint pickTwoThreads(Cursor cursor) {
        return subject.pick(hashes[cursor.next++ & (HASHES - 1)]);
    }
}

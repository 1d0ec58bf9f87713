package dev.jmesh.benchmarks;

import dev.jmesh.agent.inbound.InboundCallers;
import dev.jmesh.agent.inbound.InboundPorts;
import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.RouteTable;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PeerMetadata;
import dev.jmesh.agent.serving.Serving;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.ServerHooks;
import dev.jmesh.policy.MeshConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the agent adds to each request the application's own server answers, without any I/O:
 * a server adapter's {@code ServerHooks.begin} through the bootstrap facade into the core
 * ({@link Serving}: the caller's identity, the series by its peer header, the start time),
 * then {@code ServedRequest.end} (the destination reporter's count, duration and size
 * histograms). From a plain caller and from a mesh agent (an {@code x-jmesh-peer} header,
 * answered with this workload's metadata); one thread, and two threads counting into the same
 * series. The access log is off, as by default.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ServedRequest -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ServedRequestBenchmark {

    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 51234);
    /** A fresh string per request in a real server; its hash is computed once per string either way. */
    private static final String PEER_HEADER = new PeerMetadata("frontend", "shop", "frontend", "v1", "eu-1").header();

    private RouteTable table;

    @Setup
    public void setUp() {
        MeshMetrics metrics = new MeshMetrics("bench");
        // Built from the model, not parsed: this jar leaves out the agent's relocated YAML parser.
        table = RouteTable.of(new MeshConfig("bench", null, Map.of()), metrics, MeshClock.SYSTEM);
        Serving serving = new Serving(metrics, new InboundCallers(), MeshClock.SYSTEM, 0);
        Mesh.install(new MeshRouter(table, InboundPorts.NONE, serving));
    }

    @TearDown
    public void tearDown() {
        table.close();
    }

    @Benchmark
    public ServedRequest plainCaller() {
        return serve(null);
    }

    @Benchmark
    @Threads(2)
    public ServedRequest plainCallerTwoThreads() {
        return serve(null);
    }

    @Benchmark
    public ServedRequest meshCaller() {
        return serve(PEER_HEADER);
    }

    @Benchmark
    @Threads(2)
    public ServedRequest meshCallerTwoThreads() {
        return serve(PEER_HEADER);
    }

    /** What a server adapter does for one request: begin at its head, end once it is answered. */
    private static ServedRequest serve(String peerHeader) {
        ServedRequest request = ServerHooks.begin("GET", "/v1/items", "HTTP/1.1", "orders:8080", peerHeader, CLIENT, SERVER);
        request.end(200, 0, 2_400);
        return request;
    }
}

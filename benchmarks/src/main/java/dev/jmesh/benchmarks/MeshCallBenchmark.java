package dev.jmesh.benchmarks;

import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.RouteTable;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.resilience.CircuitBreaker;
import dev.jmesh.agent.resilience.RetryBudgetWindow;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.policy.BalancerKind;
import dev.jmesh.policy.CircuitBreakerPolicy;
import dev.jmesh.policy.EndpointConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.RetryBudget;
import dev.jmesh.policy.ServiceConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The mesh's per-call work without any I/O: finding the service for a host (a mesh name, and
 * a name the mesh does not know), admission (breaker and retry budget), and one whole call
 * through the bootstrap facade and the core — admission, deadline, pick, response verdict,
 * metrics — with a transport that does nothing.
 *
 * <p>A policy of 100 services of 10 endpoints each, round-robin, default retries.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MeshCall -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MeshCallBenchmark {

    private RouteTable table;
    private MeshRouter router;
    private final CircuitBreaker breaker = new CircuitBreaker(CircuitBreakerPolicy.DEFAULT);
    private final RetryBudgetWindow budget = new RetryBudgetWindow(RetryBudget.DEFAULT);

    @Setup
    public void setUp() throws Exception {
        // Built from the model, not parsed: this jar leaves out the agent's relocated YAML parser.
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        for (int s = 0; s < 100; s++) {
            List<EndpointConfig> endpoints = new ArrayList<>();
            for (int e = 0; e < 10; e++) {
                endpoints.add(new EndpointConfig("10.1." + s + "." + (e + 1), 8080, 1, null));
            }
            services.put("service-" + s, new ServiceConfig("service-" + s, endpoints, BalancerKind.ROUND_ROBIN));
        }
        MeshConfig config = new MeshConfig("bench", null, services);
        table = RouteTable.of(config, new MeshMetrics("bench"), MeshClock.SYSTEM);
        router = new MeshRouter(table);
        Mesh.install(router);
    }

    @TearDown
    public void tearDown() {
        table.close();
    }

    @Benchmark
    public Object routeLookupHit() {
        return table.service("service-42");
    }

    @Benchmark
    public Object routeLookupMiss() {
        return table.service("api.example.com");
    }

    @Benchmark
    public boolean admission() {
        boolean admitted = breaker.tryStartRequest();
        budget.recordRequest(System.nanoTime());
        breaker.endRequest();
        return admitted;
    }

    /** What the application thread pays for the mesh on one routed request. */
    @Benchmark
    public InetSocketAddress fullCallNoOpTransport() throws IOException {
        return call();
    }

    @Benchmark
    @Threads(2)
    public InetSocketAddress fullCallNoOpTransportTwoThreads() throws IOException {
        return call();
    }

    /** A host the mesh does not know: the cost added to every call that is not routed. */
    @Benchmark
    public HttpCall passThrough() {
        return Mesh.beginHttp("http", "api.example.com", "GET", "/v1/items", null);
    }

    private static InetSocketAddress call() throws IOException {
        return Mesh.beginHttp("http", "service-42", "GET", "/v1/items", "page=2").execute(NoOpTransport.NO_HEADERS);
    }
}

package dev.jmesh.benchmarks;

import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.RouteTable;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.agent.traffic.RouteSelector;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.policy.EndpointConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.RouteConfig;
import dev.jmesh.policy.RouteMatch;
import dev.jmesh.policy.ServiceConfig;
import dev.jmesh.policy.TrafficPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What routes cost per call: 10 routes, each matching a path prefix, a method and 3 headers
 * (exact, regex, present), and a request that only the last one takes, so every route is
 * tried. The goal is ≤ 200 ns for the matching ({@link #matchTenRoutesThreeHeaders}); the
 * whole call with those routes and a split ({@link #fullCallTenRoutes}) is next to the same
 * call without routes in {@link MeshCallBenchmark}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RouteMatch -f 1 -wi 3 -w 1s -i 5 -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RouteMatchBenchmark {

    private static final int ROUTES = 10;

    private RouteSelector selector;
    private RouteTable table;
    /** The request's headers, as a client's header lookup sees them (case-insensitive names, first value). */
    private final RequestHeaders headers = Map.of(
            "x-tenant", "tenant-9", "x-version", "v2.3.1", "x-trace", "abc", "accept", "application/json")::get;

    @Setup
    public void setUp() {
        List<RouteConfig> routes = new ArrayList<>();
        List<RouteMatch> matches = new ArrayList<>();
        for (int r = 0; r < ROUTES; r++) {
            RouteMatch match = new RouteMatch(new RouteMatch.Path(RouteMatch.PathKind.PREFIX, "/api/"),
                    Set.of("GET", "HEAD"),
                    List.of(new RouteMatch.Value("x-trace", RouteMatch.ValueKind.PRESENT, null),
                            new RouteMatch.Value("x-version", RouteMatch.ValueKind.REGEX, "v2\\.[0-9]+\\.[0-9]+"),
                            new RouteMatch.Value("x-tenant", RouteMatch.ValueKind.EXACT, "tenant-" + r)),
                    List.of());
            matches.add(match);
            routes.add(new RouteConfig("r" + r, match, Map.of("stable", 90, "canary", 10), null, null, null, null,
                    null, null));
        }
        selector = new RouteSelector(matches);
        List<EndpointConfig> endpoints = List.of(
                new EndpointConfig("10.1.0.1", 8080, 1, null, Map.of("version", "v1")),
                new EndpointConfig("10.1.0.2", 8080, 1, null, Map.of("version", "v1")),
                new EndpointConfig("10.1.0.3", 8080, 1, null, Map.of("version", "v2")));
        ServiceConfig orders = ServiceConfig.builder("orders", endpoints)
                .traffic(new TrafficPolicy(Map.of("stable", Map.of("version", "v1"), "canary", Map.of("version", "v2")),
                        routes, null))
                .build();
        table = RouteTable.of(new MeshConfig("bench", null, Map.of("orders", orders)), new MeshMetrics("bench"),
                MeshClock.SYSTEM);
        Mesh.install(new MeshRouter(table));
    }

    @TearDown
    public void tearDown() {
        table.close();
    }

    /** Ten routes tried, the last one taken: the matching a routed call pays. */
    @Benchmark
    public int matchTenRoutesThreeHeaders() {
        return selector.select("GET", "/api/orders/42", "page=2", headers);
    }

    /** A whole routed call: match, split, pick, admission, verdict and metrics, with a no-op transport. */
    @Benchmark
    public InetSocketAddress fullCallTenRoutes() throws IOException {
        return Mesh.beginHttp("http", "orders", "GET", "/api/orders/42", "page=2").execute(new NoOpTransport(headers));
    }
}

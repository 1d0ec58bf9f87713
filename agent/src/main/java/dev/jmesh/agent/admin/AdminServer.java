package dev.jmesh.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.Service;
import dev.jmesh.agent.metrics.LatencyHistogram;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PrometheusText;
import dev.jmesh.agent.metrics.ServiceGauges;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.policy.AdminConfig;
import dev.jmesh.policy.EndpointConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.PolicyYaml;
import dev.jmesh.policy.RouteConfig;
import dev.jmesh.policy.ServiceConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin endpoint: {@code /metrics} (Prometheus), {@code /healthz}, {@code /config} (the
 * effective policy), {@code /clusters} (every endpoint's state and subsets) and {@code /routes}
 * (each service's routes): what {@code status} shows.
 * Bound to loopback unless the policy says otherwise; served by one daemon thread, so a
 * scrape never competes with the application for more than that.
 */
public final class AdminServer implements AutoCloseable {

    /** Columns of {@code /clusters}, tab-separated after a header line. */
    static final String CLUSTERS_HEADER =
            "service\tendpoint\tstate\tactive\tewma_ms\tsuccesses\tfailures\tp50_us\tp99_us\tsubsets";
    /** Columns of {@code /routes}: each service's routes in the order they are matched. */
    static final String ROUTES_HEADER = "service\troute\tmatch\tdestinations";

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param policy the policy in effect and where it came from (comment text, one or more lines), read at each request
     */
    public static AdminServer start(AdminConfig config, MeshRouter router, MeshMetrics metrics,
                                    Supplier<MeshConfig> policy, Supplier<String> policySource, String version)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(config.bind()), config.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "jmesh-admin");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", text(PrometheusText.CONTENT_TYPE,
                () -> PrometheusText.write(metrics, gauges(router), version)));
        server.createContext("/healthz", text("text/plain; charset=utf-8", () -> "ok\n"));
        server.createContext("/config", text("application/yaml; charset=utf-8",
                () -> ("# jmesh " + version + ", policy version " + metrics.configVersion() + ", " + policySource.get())
                        .replace("\n", "\n# ") + "\n" + PolicyYaml.render(policy.get())));
        server.createContext("/clusters", text("text/tab-separated-values; charset=utf-8", () -> clusters(router)));
        server.createContext("/routes", text("text/tab-separated-values; charset=utf-8", () -> routes(router)));
        server.start();
        return new AdminServer(server, executor);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static List<ServiceGauges> gauges(MeshRouter router) {
        List<ServiceGauges> all = new ArrayList<>();
        for (Service service : sorted(router)) {
            List<ServiceGauges.EndpointGauge> endpoints = new ArrayList<>();
            for (Endpoint e : service.endpoints()) {
                endpoints.add(new ServiceGauges.EndpointGauge(e.key(), e.health().inRotation(), e.load().active()));
            }
            all.add(new ServiceGauges(service.name(), service.outliers().ejectedCount(), endpoints));
        }
        return all;
    }

    private static String clusters(MeshRouter router) {
        StringBuilder out = new StringBuilder(CLUSTERS_HEADER).append('\n');
        long now = System.nanoTime();
        for (Service service : sorted(router)) {
            for (int i = 0; i < service.endpoints().size(); i++) {
                Endpoint e = service.endpoints().get(i);
                long[] latency = e.stats().latency().snapshot();
                out.append(service.name()).append('\t').append(e.key()).append('\t').append(state(e, now)).append('\t')
                        .append(e.load().active()).append('\t')
                        .append(String.format(java.util.Locale.ROOT, "%.3f", e.load().costNanos(now) / 1e6)).append('\t')
                        .append(e.stats().successes()).append('\t').append(e.stats().failures()).append('\t')
                        .append(LatencyHistogram.quantileMicros(latency, 0.5)).append('\t')
                        .append(LatencyHistogram.quantileMicros(latency, 0.99)).append('\t')
                        .append(subsetsOf(service.config(), i)).append('\n');
            }
        }
        return out.toString();
    }

    /** The subsets the service's {@code i}th endpoint is in, comma-separated, or {@code -}. */
    private static String subsetsOf(ServiceConfig config, int i) {
        EndpointConfig endpoint = config.endpoints().get(i);
        List<String> names = new ArrayList<>();
        config.traffic().subsets().forEach((name, labels) -> {
            if (endpoint.matches(labels)) {
                names.add(name);
            }
        });
        return names.isEmpty() ? "-" : String.join(",", names);
    }

    private static String routes(MeshRouter router) {
        StringBuilder out = new StringBuilder(ROUTES_HEADER).append('\n');
        for (Service service : sorted(router)) {
            for (RouteConfig route : service.config().traffic().routes()) {
                out.append(service.name()).append('\t').append(route.name()).append('\t')
                        .append(route.match().describe().replace('\t', ' ')).append('\t')
                        .append(route.describeDestinations().replace('\t', ' ')).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code healthy}, {@code ejected:12s} (time left), or {@code failing-checks}. */
    private static String state(Endpoint e, long now) {
        if (e.health().ejected()) {
            return "ejected:" + Math.max(0, (e.health().ejectedUntilNanos() - now) / 1_000_000_000L) + "s";
        }
        return e.health().failingChecks() ? "failing-checks" : "healthy";
    }

    private static List<Service> sorted(MeshRouter router) {
        List<Service> services = new ArrayList<>(router.table().services());
        services.sort(Comparator.comparing(Service::name));
        return services;
    }

    private static HttpHandler text(String contentType, Supplier<String> body) {
        return exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                respond(exchange, contentType, body.get());
            } catch (RuntimeException e) {
                // One bad page must not take the admin endpoint down; the error is the answer.
                respond(exchange, "text/plain; charset=utf-8", "error: " + e + "\n", 500);
            }
        };
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        respond(exchange, contentType, body, 200);
    }

    private static void respond(HttpExchange exchange, String contentType, String body, int status) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.CallerApp;
import dev.jmesh.it.app.ServerApp;
import dev.jmesh.it.app.TcpCallerApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's own Grafana dashboards (mesh, service, workload), every query they run, against a real
 * Prometheus scraping a jmesh mesh of four agents: {@code frontend} calls {@code orders} (Jetty)
 * over mutual TLS, through orders' inbound port, and {@code catalog} (the JDK's server) in
 * plaintext; a second frontend opens connections to a tcp service; a caller without an agent
 * calls orders in plaintext too. Each query is run as
 * Grafana would run it, its variables set to what their own queries offer, and must answer with
 * series. The queries are in {@code istio-dashboards/queries.tsv}; those left empty are named
 * by {@link Query#emptyBecause}, and must stay empty, so that a gap filled is noticed too.
 */
class IstioDashboardsTest {

    private static final int ROUNDS = 300;
    private static final int DIRECT_CALLS = 20;
    private static final int TCP_CONNECTIONS = 40;

    @TempDir
    Path dir;

    /** One dashboard query: where it is shown, and its PromQL with Grafana's variables in it. */
    record Query(String dashboard, String panel, String promql) {

        /**
         * Why this query answers with nothing, or null: it asks for what jmesh does not report yet,
         * or for what Istio does not report either.
         */
        String emptyBecause() {
            if (promql.contains("istio_build")) {
                return "istio_build is Istio's control plane's (jmesh_build_info is the agent's)";
            }
            if (promql.contains("reporter=\"source\"") && promql.contains("connection_security_policy=\"mutual_tls\"")) {
                return "Istio's source reporter labels connection_security_policy \"unknown\" too";
            }
            return null;
        }

        /** The query as Grafana sends it for one choice of the dashboard's workload or service. */
        String bound(String workload, String service) {
            return promql.replace("$__rate_interval", "15s").replace("$qrep", "source|destination")
                    .replace("$namespace", "default").replace("$workload", workload).replace("$service", service)
                    .replace("$srcns", ".*").replace("$srcwl", ".*").replace("$srccluster", ".*")
                    .replace("$dstns", ".*").replace("$dstwl", ".*").replace("$dstcluster", ".*").replace("$dstsvc", ".*");
        }
    }

    static List<Query> queries() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                IstioDashboardsTest.class.getResourceAsStream("/istio-dashboards/queries.tsv"), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split("\t", 3))
                    .map(f -> new Query(f[0], f[1], f[2])).toList();
        }
    }

    @Test
    void everyQueryOfIstiosDashboardsAnswersWithTheMeshsOwnSeries() throws Exception {
        TrustDomain domain = TrustDomain.create(dir, "ca");
        Path frontendId = domain.issue("frontend");
        Path ordersId = domain.issue("orders");
        int ordersPort = FreePort.pick();
        int catalogPort = FreePort.pick();
        int[] admin = {FreePort.pick(), FreePort.pick(), FreePort.pick(), FreePort.pick()};
        LineServer db = LineServer.named("db");
        Path orders = Policy.write(dir, """
                workload: orders
                version: v1
                cluster: it-cluster
                admin: { port: %d }
                inbound: { port: %d, mtls: permissive }
                """.formatted(admin[0], ordersPort) + TrustDomain.identityYaml(ordersId));
        Path catalog = Policy.write(dir, """
                workload: catalog
                version: v2
                cluster: it-cluster
                admin: { port: %d }
                """.formatted(admin[1]));
        String frontendItself = """
                workload: frontend
                app: web
                version: v3
                cluster: it-cluster
                """;
        Path frontend = Policy.write(dir, frontendItself + """
                admin: { port: %d }
                services:
                  orders:
                    endpoints: [ 127.0.0.1:%d ]
                    tls: { mode: mutual, serverIdentity: "%s" }
                  catalog:
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(admin[2], ordersPort, TrustDomain.id("orders"), catalogPort)
                + TrustDomain.identityYaml(frontendId));
        Path frontendTcp = Policy.write(dir, frontendItself + """
                admin: { port: %d }
                services:
                  db:
                    protocol: tcp
                    endpoints: [ %s ]
                """.formatted(admin[3], db.address()));
        List<String> calls = new ArrayList<>(List.of("jdk-sync", "--pace", "5", "--hold"));
        for (int i = 0; i < ROUNDS; i++) {
            calls.addAll(List.of("http://orders/bytes/100", "http://orders/status/503", "http://catalog/bytes/50"));
        }
        try (db;
             AppJvm ordersApp = AppJvm.on(Jdk.JDK17).withAgent(orders).classPath(AppJvm.classPath("jetty-server"))
                     .run(ServerApp.class.getName(), List.of("jetty", Integer.toString(ordersPort)));
             AppJvm catalogApp = AppJvm.on(Jdk.JDK17).withAgent(catalog).classPath(AppJvm.classPath())
                     .run(ServerApp.class.getName(), List.of("jdk", Integer.toString(catalogPort)));
             AppJvm tcpCaller = AppJvm.on(Jdk.JDK17).withAgent(frontendTcp).classPath(AppJvm.classPath())
                     .run(TcpCallerApp.class.getName(), List.of("db", "1", "socket", Integer.toString(TCP_CONNECTIONS),
                             "--await-stdin"));
             Prometheus prometheus = Prometheus.scraping(dir, admin)) {
            ordersApp.awaitLine("LISTENING"::equals);
            catalogApp.awaitLine("LISTENING"::equals);
            tcpCaller.awaitLine("DONE"::equals);
            // What the application read: each connection's greeting. The caller stays up: a target
            // gone from Prometheus' scrapes has its series marked stale.
            prometheus.awaitValue("sum(istio_tcp_sent_bytes_total{reporter=\"source\",destination_service=\"db\"})",
                    TCP_CONNECTIONS * "db\n".length());
            try (AppJvm caller = AppJvm.on(Jdk.JDK17).withAgent(frontend).classPath(AppJvm.classPath("okhttp4"))
                    .run(CallerApp.class.getName(), calls)) {
                AtomicInteger direct = new AtomicInteger();
                Thread directCalls = callDirectly(ordersPort, direct);
                directCalls.join(60_000);
                assertEquals(DIRECT_CALLS, direct.get(), "the direct plaintext calls were answered");
                prometheus.awaitValue("sum(istio_requests_total{reporter=\"destination\",destination_workload=\"orders\","
                        + "source_workload=\"unknown\"})", DIRECT_CALLS);
                // Two scrapes of flowing traffic at least: irate() has its two samples.
                prometheus.awaitPositive("sum(irate(istio_requests_total{reporter=\"destination\",destination_workload=\"orders\"}[15s]))");
                prometheus.awaitPositive("sum(irate(istio_requests_total{reporter=\"destination\",destination_workload=\"catalog\"}[15s]))");
                // The caller's own series too: its admin endpoint starts off its main thread, maybe after its first calls.
                prometheus.awaitPositive("sum(irate(istio_requests_total{reporter=\"source\",source_workload=\"frontend\"}[15s]))");

                List<String> failures = new ArrayList<>();
                for (Query query : queries()) {
                    checkQuery(prometheus, query, failures);
                }
                assertEquals(List.of(), failures, "dashboard queries that did not answer as they should");
                checkLabelValues(prometheus);

                caller.awaitLine("DONE"::equals);
                checkBothReportersCountTheSameCalls(prometheus); // before the caller exits: its last calls are scraped
                caller.writeLine("exit");
                AppJvm.Result result = caller.await();
                assertEquals(Map.of(200, ROUNDS), result.statusesFor("http://orders/bytes/100"), result::toString);
                assertEquals(Map.of(503, ROUNDS), result.statusesFor("http://orders/status/503"), result::toString);
                assertEquals(Map.of(200, ROUNDS), result.statusesFor("http://catalog/bytes/50"), result::toString);
            }
            ordersApp.writeLine("exit");
            catalogApp.writeLine("exit");
            tcpCaller.writeLine("exit");
        }
    }

    /** Every value each label may have in this mesh, as Istio would give it; a series with another is wrong. */
    static final Map<String, Set<String>> LABEL_VALUES = Map.of(
            "source_workload", Set.of("frontend", "unknown"),
            "source_workload_namespace", Set.of("default", "unknown"),
            "destination_workload", Set.of("orders", "catalog", "unknown"),
            "destination_workload_namespace", Set.of("default", "unknown"),
            "destination_service", Set.of("orders", "catalog", "db"),
            "source_cluster", Set.of("it-cluster", "unknown"),
            "destination_cluster", Set.of("it-cluster", "unknown"),
            "response_code", Set.of("200", "503"));

    /**
     * A query answers for at least one of the workloads or services its dashboard offers (a gap
     * for none), and every label of every series it answers has a value this mesh should show.
     */
    private static void checkQuery(Prometheus prometheus, Query query, List<String> failures) throws Exception {
        boolean answered = false;
        for (String workload : List.of("frontend", "orders", "catalog")) {
            for (String service : List.of("orders", "catalog")) {
                List<Prometheus.Sample> series = prometheus.query(query.bound(workload, service));
                answered |= !series.isEmpty();
                for (Prometheus.Sample sample : series) {
                    sample.labels().forEach((label, value) -> {
                        Set<String> allowed = LABEL_VALUES.get(label);
                        if (allowed != null && !allowed.contains(value)) {
                            failures.add(query.dashboard() + " / " + query.panel() + ": " + label + "=\"" + value + "\"");
                        }
                    });
                }
            }
        }
        String emptyBecause = query.emptyBecause();
        if (answered != (emptyBecause == null)) {
            failures.add(query.dashboard() + " / " + query.panel() + (answered ? ": answers, though "  + emptyBecause
                    : ": no series") + ": " + query.promql());
        }
    }

    /** The values Istio would give, seen through the dashboards' own groupings. */
    private static void checkLabelValues(Prometheus prometheus) throws Exception {
        // Mesh dashboard, "HTTP/gRPC Workloads": each destination by workload, namespace and service.
        assertEquals(Set.of("orders default orders", "catalog default catalog"), groups(prometheus,
                "sum by (destination_workload,destination_workload_namespace,destination_service)"
                        + " (rate(istio_requests_total{reporter=~\"source|waypoint\"}[15s]))",
                "destination_workload", "destination_workload_namespace", "destination_service"));
        // Service dashboard, "Incoming Requests By Source And Response Code", over mutual TLS: the
        // destination's report, the caller proven by its certificate.
        assertEquals(Set.of("frontend default 200", "frontend default 503"), groups(prometheus,
                "sum(irate(istio_requests_total{connection_security_policy=\"mutual_tls\",destination_service=\"orders\","
                        + "reporter=~\"source|destination\"}[15s])) by (source_workload, source_workload_namespace, response_code)",
                "source_workload", "source_workload_namespace", "response_code"));
        // Not over mutual TLS: the source's own report (Istio's source reporter says "unknown"), and
        // the caller without an agent, which nobody vouches for.
        assertEquals(Set.of("frontend default 200", "frontend default 503", "unknown unknown 200"), groups(prometheus,
                "sum(irate(istio_requests_total{connection_security_policy!=\"mutual_tls\",destination_service=\"orders\","
                        + "reporter=~\"source|destination\"}[15s])) by (source_workload, source_workload_namespace, response_code)",
                "source_workload", "source_workload_namespace", "response_code"));
        // Principals, versions, apps and clusters as each side knows them.
        assertEquals(Set.of("spiffe://example.org/ns/default/sa/frontend spiffe://example.org/ns/default/sa/orders"
                + " mutual_tls web v3 v1 it-cluster it-cluster"), groups(prometheus,
                "sum by (source_principal, destination_principal, connection_security_policy, source_app, source_version,"
                        + " destination_version, source_cluster, destination_cluster) (istio_requests_total{reporter=\"destination\","
                        + "destination_workload=\"orders\",source_workload=\"frontend\"})",
                "source_principal", "destination_principal", "connection_security_policy", "source_app", "source_version",
                "destination_version", "source_cluster", "destination_cluster"));
        assertEquals(Set.of("spiffe://example.org/ns/default/sa/frontend spiffe://example.org/ns/default/sa/orders unknown"
                + " orders v1"), groups(prometheus,
                "sum by (source_principal, destination_principal, connection_security_policy, destination_app,"
                        + " destination_version) (istio_requests_total{reporter=\"source\",destination_service=\"orders\"})",
                "source_principal", "destination_principal", "connection_security_policy", "destination_app",
                "destination_version"));
        assertEquals(Set.of("unknown unknown none catalog v2"), groups(prometheus,
                "sum by (source_principal, destination_principal, connection_security_policy, destination_app,"
                        + " destination_version) (istio_requests_total{reporter=\"destination\",destination_workload=\"catalog\"})",
                "source_principal", "destination_principal", "connection_security_policy", "destination_app",
                "destination_version"));
        // Workload dashboard's variables: frontend's destinations, orders' callers.
        assertEquals(Set.of("orders", "catalog", "db"), groups(prometheus, "sum(istio_requests_total{reporter=\"source\","
                + "source_workload=~\"frontend\", source_workload_namespace=~\"default\"}) by (destination_service) or"
                + " sum(istio_tcp_sent_bytes_total{reporter=\"source\", source_workload=~\"frontend\","
                + " source_workload_namespace=~\"default\"}) by (destination_service)", "destination_service"));
        assertEquals(Set.of("frontend", "unknown"), groups(prometheus, "sum(istio_requests_total{reporter=~\"source|destination\","
                + " destination_workload=\"orders\", destination_workload_namespace=~\"default\"}) by (source_workload)",
                "source_workload"));
    }

    /** Per response code, what frontend counted calling a service equals what the service counted serving frontend. */
    private static void checkBothReportersCountTheSameCalls(Prometheus prometheus) throws Exception {
        prometheus.awaitValue("sum(istio_requests_total{reporter=\"source\",source_workload=\"frontend\"})", 3.0 * ROUNDS);
        for (String service : List.of("orders", "catalog")) {
            for (String code : service.equals("orders") ? List.of("200", "503") : List.of("200")) {
                String calls = "{source_workload=\"frontend\",destination_service=\"" + service + "\",response_code=\"" + code + "\"";
                double source = prometheus.awaitValue("sum(istio_requests_total" + calls + ",reporter=\"source\"})", ROUNDS);
                prometheus.awaitValue("sum(istio_requests_total" + calls + ",reporter=\"destination\"})", source);
            }
        }
        // Sizes: the destination counts the body bytes it wrote; chunked answers have no length the source could read.
        prometheus.awaitValue("sum(istio_response_bytes_sum{reporter=\"destination\",destination_workload=\"orders\","
                + "source_workload=\"frontend\"})", 100.0 * ROUNDS);
        prometheus.awaitValue("sum(istio_response_bytes_count{reporter=\"source\",destination_service=\"catalog\"})", ROUNDS);
    }

    /** The distinct values of {@code labels} (joined by spaces) over the query's series. */
    private static Set<String> groups(Prometheus prometheus, String promql, String... labels) throws Exception {
        return prometheus.query(promql).stream()
                .map(s -> java.util.Arrays.stream(labels).map(l -> s.labels().getOrDefault(l, "")).collect(Collectors.joining(" ")))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Calls orders' port in plaintext, without an agent, in the background; counts the answers. */
    private static Thread callDirectly(int ordersPort, AtomicInteger answered) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Thread thread = new Thread(() -> {
            for (int i = 0; i < DIRECT_CALLS; i++) {
                try {
                    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ordersPort + "/status/200")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        answered.incrementAndGet();
                    }
                    Thread.sleep(100);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "direct-calls");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}

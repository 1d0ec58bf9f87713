package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus server scrapes a real agent; PromQL sees what the application did. */
class PrometheusScrapeTest {

    static final Path PROMETHEUS = Path.of(System.getProperty("jmesh.prometheus", "/usr/bin/prometheus"));
    static final Pattern SCALAR = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheAgentAndCountsItsCalls() throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), "no Prometheus at " + PROMETHEUS + " (./test.sh installs it)");
        int adminPort = FreePort.pick();
        int prometheusPort = FreePort.pick();
        try (Backend backend = Backend.start("s0")) {
            Path policy = Policy.write(dir, """
                    workload: scraped
                    admin: { port: %d }
                    services:
                      orders:
                        endpoints: [ %s ]
                    """.formatted(adminPort, backend.address()));
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: jmesh
                        static_configs:
                          - targets: [ "127.0.0.1:%d" ]
                    """.formatted(adminPort));
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                    .run(CALLER, List.of("jdk-async", "25*http://orders/p", "--hold"))) {
                app.awaitLine("DONE"::equals);
                Process prometheus = new ProcessBuilder(PROMETHEUS.toString(),
                        "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
                try {
                    String api = "http://127.0.0.1:" + prometheusPort;
                    // The exposition parses under Prometheus' own rules: the scrape is up.
                    assertEquals("1", awaitQuery(api, "up{job=\"jmesh\"}", "1"));
                    assertEquals("25", awaitQuery(api,
                            "sum(istio_requests_total{source_workload=\"scraped\",destination_service=\"orders\",response_code=\"200\"})", "25"));
                    assertEquals("25", awaitQuery(api,
                            "sum(istio_request_duration_milliseconds_count{destination_service=\"orders\"})", "25"));
                } finally {
                    prometheus.destroy();
                    if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                        prometheus.destroyForcibly();
                    }
                }
                app.writeLine("exit");
            }
        }
    }

    /** Polls a PromQL query until it answers {@code expected}, or 30 s pass; returns the last answer. */
    private String awaitQuery(String api, String query, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = query(api, query);
            if (expected.equals(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(query + " answered " + last + ", not " + expected + "; prometheus log: "
                + Files.readString(dir.resolve("prometheus.log")));
    }

    private static String query(String api, String query) throws InterruptedException {
        try {
            String body = Http.get(api + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
            Matcher m = SCALAR.matcher(body);
            return m.find() ? m.group(1) : body;
        } catch (IOException e) {
            return e.toString(); // not listening yet
        }
    }
}

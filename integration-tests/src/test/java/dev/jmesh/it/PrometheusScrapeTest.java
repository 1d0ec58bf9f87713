package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus server scrapes a real agent; PromQL sees what the application did. */
class PrometheusScrapeTest {

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheAgentAndCountsItsCalls() throws Exception {
        int adminPort = FreePort.pick();
        try (Backend backend = Backend.start("s0")) {
            Path policy = Policy.write(dir, """
                    workload: scraped
                    admin: { port: %d }
                    services:
                      orders:
                        endpoints: [ %s ]
                    """.formatted(adminPort, backend.address()));
            try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                    .run(CALLER, List.of("jdk-async", "25*http://orders/p", "--hold"));
                 Prometheus prometheus = Prometheus.scraping(dir, adminPort)) {
                app.awaitLine("DONE"::equals);
                // The exposition parses under Prometheus' own rules: the scrape is up.
                prometheus.awaitValue("up{job=\"jmesh\"}", 1);
                prometheus.awaitValue("sum(istio_requests_total{source_workload=\"scraped\",destination_service=\"orders\","
                        + "response_code=\"200\"})", 25);
                prometheus.awaitValue("sum(istio_request_duration_milliseconds_count{destination_service=\"orders\"})", 25);
                app.writeLine("exit");
            }
        }
    }
}

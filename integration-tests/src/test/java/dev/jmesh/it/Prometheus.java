package dev.jmesh.it;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's package, installed by {@code scripts/install-test-deps.sh})
 * scraping agents' admin endpoints every second, and its query API.
 */
final class Prometheus implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("jmesh.prometheus", "/usr/bin/prometheus"));
    private static final Pattern SAMPLE =
            Pattern.compile("\\{\"metric\":\\{([^}]*)\\},\"value\":\\[[^,]+,\"([^\"]*)\"\\]\\}");

    /** One series of a query's answer: its labels and value. */
    record Sample(Map<String, String> labels, double value) {}

    private final Process process;
    private final String api;
    private final Path log;

    private Prometheus(Process process, String api, Path log) {
        this.process = process;
        this.api = api;
        this.log = log;
    }

    /** Starts Prometheus in {@code dir}, scraping {@code 127.0.0.1:PORT/metrics} of each admin port as job {@code jmesh}. */
    static Prometheus scraping(Path dir, int... adminPorts) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("no Prometheus at " + BINARY + " (./test.sh installs it)");
        }
        String targets = java.util.Arrays.stream(adminPorts).mapToObj(p -> "\"127.0.0.1:" + p + "\"")
                .collect(Collectors.joining(", "));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: jmesh
                    static_configs:
                      - targets: [ %s ]
                """.formatted(targets));
        int port = FreePort.pick();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Prometheus(process, "http://127.0.0.1:" + port, log);
    }

    /** The answer to an instant query; empty while Prometheus is not listening yet. */
    List<Sample> query(String promql) throws InterruptedException {
        String body;
        try {
            body = Http.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        } catch (IOException notListeningYet) {
            return List.of();
        }
        if (!body.contains("\"status\":\"success\"")) {
            throw new AssertionError("Prometheus refused " + promql + ": " + body);
        }
        List<Sample> samples = new ArrayList<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            samples.add(new Sample(Exposition.labels(m.group(1).replace("\":\"", "=\"")), number(m.group(2))));
        }
        return samples;
    }

    /** A sample's value as Prometheus writes it: a number, {@code NaN}, {@code +Inf} or {@code -Inf}. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** Polls a query whose answer is one number until it is {@code expected}, or 30 s pass; returns the last. */
    double awaitValue(String promql, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            List<Sample> answer = query(promql);
            if (answer.size() == 1) {
                last = answer.get(0).value();
                if (last == expected) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError(promql + " answered " + last + ", not " + expected + "; prometheus log: "
                + Files.readString(log));
    }

    /** Polls until {@code promql} answers a positive number, or 30 s pass. */
    void awaitPositive(String promql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<Sample> answer = query(promql);
            if (answer.size() == 1 && answer.get(0).value() > 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(promql + " stayed empty or 0; prometheus log: " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

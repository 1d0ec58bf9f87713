package dev.jmesh.benchmarks.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The measured cells and the small statistics the reports need. */
final class Results {

    private Results() {
    }

    /** How the client reaches nginx. */
    enum Setup {
        A("a", "direct", "client → nginx, no agent"),
        B("b", "agent", "client calls http://backend/, jmesh agent routes it to nginx (round-robin, 1 endpoint)"),
        C("c", "sidecar hop", "client → HAProxy (http mode, keep-alive) → nginx, no agent");

        final String id;
        final String shortName;
        final String description;

        Setup(String id, String shortName, String description) {
            this.id = id;
            this.shortName = shortName;
            this.description = description;
        }

        String label() {
            return id + " " + shortName;
        }
    }

    record CellKey(Setup setup, String client, int concurrency) {
    }

    /** Service to service over mutual TLS, against a Jetty backend in a JVM of its own. */
    enum MtlsSetup {
        PLAINTEXT("d0", "plaintext", "client → Jetty, no agent, no TLS: the reference"),
        AGENTS("d", "agent to agent, mTLS", "client with the jmesh agent (`tls: {mode: mutual}`) → the agent's inbound"
                + " port in the server JVM (`mtls: strict`) → Jetty, over loopback"),
        SIDECARS("e", "two TLS sidecar hops", "client → HAProxy (plaintext in, mutual TLS out) → HAProxy (mutual TLS in,"
                + " plaintext out) → Jetty: what a pair of sidecars costs");

        final String id;
        final String shortName;
        final String description;

        MtlsSetup(String id, String shortName, String description) {
            this.id = id;
            this.shortName = shortName;
            this.description = description;
        }

        String label() {
            return id + " " + shortName;
        }
    }

    record MtlsKey(MtlsSetup setup, String client, int concurrency) {
    }

    /**
     * A served-requests cell: the application's own {@code server} ({@code jdk}, {@code jetty})
     * in a JVM of its own, with the agent or without, loaded by the JDK client with no agent.
     */
    record ServedKey(String server, boolean agent, int concurrency) {
        String label() {
            return agent ? "b agent" : "a no agent";
        }
    }

    /**
     * One client JVM's run of one cell in one round; {@code K} says which cell. The peer is the
     * process whose CPU the load client watched besides its own: HAProxy in setup c, the server
     * JVM in a served cell, none (NaN) otherwise.
     */
    record Cell<K>(K key, int round, long requests, long totalRequests, long errors, double rps, double mean, double p50,
                   double p90, double p99, double p999, double max, double cpuPerRequest, double peerCpuPerRequest, long gcs,
                   double stealPct, LatencyHistogram histogram) {

        static <K> Cell<K> parse(K key, int round, String line, double stealPct) {
            Map<String, String> f = fields(line);
            return new Cell<>(key, round, Long.parseLong(f.get("requests")), Long.parseLong(f.get("total_requests")),
                    Long.parseLong(f.get("errors")), d(f, "rps"), d(f, "mean_us"), d(f, "p50_us"), d(f, "p90_us"),
                    d(f, "p99_us"), d(f, "p999_us"), d(f, "max_us"), d(f, "cpu_us_per_req"), d(f, "peer_cpu_us_per_req"),
                    Long.parseLong(f.get("gc")), stealPct, LatencyHistogram.decode(f.get("hist")));
        }
    }

    /** The median over rounds of each metric of a cell, and its histograms merged. */
    record Summary<K>(K key, int rounds, double mean, double p50, double p90, double p99, double rps, double cpuPerRequest,
                      double peerCpuPerRequest, LatencyHistogram merged) {

        static <K> Summary<K> of(K key, List<Cell<K>> cells) {
            LatencyHistogram merged = new LatencyHistogram();
            cells.forEach(c -> merged.add(c.histogram()));
            return new Summary<>(key, cells.size(), median(cells, Cell::mean), median(cells, Cell::p50),
                    median(cells, Cell::p90), median(cells, Cell::p99), median(cells, Cell::rps),
                    median(cells, Cell::cpuPerRequest), median(cells, Cell::peerCpuPerRequest), merged);
        }
    }

    static <K> Map<K, Summary<K>> summarize(Collection<Cell<K>> cells) {
        Map<K, List<Cell<K>>> byKey = new HashMap<>();
        for (Cell<K> cell : cells) {
            byKey.computeIfAbsent(cell.key(), k -> new ArrayList<>()).add(cell);
        }
        Map<K, Summary<K>> out = new HashMap<>();
        byKey.forEach((key, list) -> out.put(key, Summary.of(key, list)));
        return out;
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> metric) {
        return median(items.stream().mapToDouble(metric).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String part : line.trim().split(" +")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    private static double d(Map<String, String> f, String name) {
        String v = f.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no " + name + " in result line");
        }
        return Double.parseDouble(v);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String signed(double v) {
        return (v >= 0 ? "+" : "-") + fmt(Math.abs(v));
    }
}

package dev.jmesh.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code status [ADMIN_PORT]}: a table of every service's endpoints from a running agent's
 * {@code /clusters}, sampled twice a second apart for the request rate.
 */
final class StatusCommand {

    static final int DEFAULT_ADMIN_PORT = 15000;
    private static final long SAMPLE_MILLIS = 1000;

    private StatusCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1 || (args.length == 1 && !args[0].matches("\\d{1,5}"))) {
            err.println("usage: java -jar jmesh-agent.jar status [ADMIN_PORT]   (default " + DEFAULT_ADMIN_PORT + ")");
            return Main.USAGE;
        }
        int port = args.length == 1 ? Integer.parseInt(args[0]) : DEFAULT_ADMIN_PORT;
        String base = "http://127.0.0.1:" + port;
        String url = base + "/clusters";
        try {
            long start = System.nanoTime();
            Map<String, String[]> first = fetch(url);
            Thread.sleep(SAMPLE_MILLIS);
            Map<String, String[]> second = fetch(url);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.print(table(first, second, seconds));
            List<String[]> routes = rows(get(base + "/routes"), 4);
            if (!routes.isEmpty()) {
                routes.add(0, new String[] {"SERVICE", "ROUTE", "MATCH", "TO"});
                out.print("\n" + columns(routes));
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("jmesh: no agent admin endpoint at " + url + ": " + e.getMessage()
                    + " (is admin.port set in the policy?)");
            return Main.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.FAILED;
        }
    }

    /** Rows of {@code /clusters} by service and endpoint. */
    private static Map<String, String[]> fetch(String url) throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String[] columns : rows(get(url), 10)) {
            rows.put(columns[0] + " " + columns[1], columns);
        }
        return rows;
    }

    /** The rows of a tab-separated page after its header line, each with at least {@code columns} columns. */
    private static List<String[]> rows(String body, int columns) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = body.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] row = lines[i].split("\t");
            if (row.length >= columns) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(5000);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    static String table(Map<String, String[]> first, Map<String, String[]> second, double seconds) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "ENDPOINT", "STATE", "ACTIVE", "RPS", "P50", "P99", "REQUESTS", "ERRORS",
            "SUBSETS"});
        for (Map.Entry<String, String[]> entry : second.entrySet()) {
            String[] now = entry.getValue();
            String[] before = first.get(entry.getKey());
            long total = Long.parseLong(now[5]) + Long.parseLong(now[6]);
            long earlier = before == null ? total : Long.parseLong(before[5]) + Long.parseLong(before[6]);
            rows.add(new String[] {now[0], now[1], now[2], now[3],
                String.format(Locale.ROOT, "%.1f", (total - earlier) / seconds),
                micros(Long.parseLong(now[7])), micros(Long.parseLong(now[8])),
                Long.toString(total), now[6], now[9]});
        }
        return columns(rows);
    }

    /** Rows as aligned columns, two spaces apart. */
    private static String columns(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString().replaceAll(" +\n", "\n");
    }

    /** A latency for people: {@code 850µs}, {@code 12.3ms}, {@code 2.1s}, or {@code -} when none. */
    static String micros(long micros) {
        if (micros < 0) {
            return "-";
        }
        if (micros < 1000) {
            return micros + "µs";
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1fs", micros / 1e6);
    }
}

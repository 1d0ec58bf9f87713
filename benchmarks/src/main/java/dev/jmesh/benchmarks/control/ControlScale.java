package dev.jmesh.benchmarks.control;

import dev.jmesh.control.client.ControlLinkClient;
import dev.jmesh.control.client.LinkOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Scale harness of the control plane: one replica ({@code jmesh-control.jar}, its own JVM) and
 * {@code --links} simulated agents in this JVM, each a real {@link ControlLinkClient} on its own
 * TCP connection. Each round rewrites the config directory's file and times, per link, the
 * moment the new snapshot was handed to it (its ACK follows at once); it reports p50/p99/max of
 * that propagation over all links and rounds, and the replica's memory.
 *
 * <pre>
 * ControlScale --control-jar PATH [--links 5000] [--rounds 5] [--services 20] [--java PATH] [--out FILE]
 * </pre>
 */
public final class ControlScale {

    private ControlScale() {}

    public static void main(String[] args) throws Exception {
        Path controlJar = null;
        int links = 5000;
        int rounds = 5;
        int services = 20;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--control-jar" -> controlJar = Path.of(args[++i]);
                case "--links" -> links = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--java" -> java = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (controlJar == null) {
            throw new IllegalArgumentException("--control-jar is required");
        }
        Path dir = Files.createTempDirectory("jmesh-control-scale");
        Path config = Files.createDirectories(dir.resolve("config"));
        Path file = config.resolve("services.yaml");
        Files.writeString(file, document(services, 0));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process replica = new ProcessBuilder(java, "-jar", controlJar.toString(), "--listen", "127.0.0.1:" + port,
                "--config", config.toString()).redirectErrorStream(true).start();
        List<ControlLinkClient> clients = new ArrayList<>(links);
        try {
            awaitListening(replica);
            String report = run(replica, port, file, links, rounds, services, clients);
            System.out.print(report);
            if (out != null) {
                Files.writeString(out, report);
            }
        } finally {
            clients.forEach(ControlLinkClient::close);
            replica.destroy();
            if (!replica.waitFor(10, TimeUnit.SECONDS)) {
                replica.destroyForcibly();
            }
        }
    }

    private static String run(Process replica, int port, Path file, int links, int rounds, int services,
                              List<ControlLinkClient> clients) throws Exception {
        // arrivals[round * links + link]: when link saw round's marker (nanoTime), 0 before.
        AtomicLongArray arrivals = new AtomicLongArray((rounds + 1) * links);
        CountDownLatch[] done = new CountDownLatch[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            done[r] = new CountDownLatch(links);
        }
        AtomicInteger problems = new AtomicInteger();
        long connectStart = System.nanoTime();
        for (int i = 0; i < links; i++) {
            int link = i;
            ControlLinkClient.Listener listener = (version, yaml) -> {
                long now = System.nanoTime();
                int round = markerRound(yaml);
                if (round >= 0 && round <= rounds && arrivals.compareAndSet(round * links + link, 0, now)) {
                    done[round].countDown();
                }
                return null;
            };
            LinkOptions options = LinkOptions.defaults(List.of("127.0.0.1:" + port), "sim-" + i, () -> "", 0,
                    line -> {
                        if (!line.startsWith("control: connected to") && problems.incrementAndGet() <= 5) {
                            System.err.println("link " + link + ": " + line);
                        }
                    });
            clients.add(new ControlLinkClient(options, listener, "").start());
        }
        if (!done[0].await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException((links - done[0].getCount()) + " of " + links + " links got the first snapshot");
        }
        long connectMillis = (System.nanoTime() - connectStart) / 1_000_000;
        Thread.sleep(1000);

        long[] all = new long[rounds * links];
        for (int r = 1; r <= rounds; r++) {
            long written = System.nanoTime();
            Path temp = file.resolveSibling(".services.yaml.tmp");
            Files.writeString(temp, document(services, r));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!done[r].await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("round " + r + ": " + done[r].getCount() + " of " + links
                        + " links did not get the change within 60 s");
            }
            for (int i = 0; i < links; i++) {
                all[(r - 1) * links + i] = arrivals.get(r * links + i) - written;
            }
            Thread.sleep(500);
        }
        Arrays.sort(all);
        long rss = rssKiB(replica.pid());
        long heap = heapUsedKiB(replica.pid());
        int connected = (int) clients.stream().filter(ControlLinkClient::connected).count();
        return String.format(Locale.ROOT, """
                | figure | value |
                |---|---|
                | links (simulated agents, one JVM) | %d (%d connected at the end) |
                | snapshot size | %d services, %d bytes |
                | rounds (config file rewritten) | %d |
                | all links connected and given the first snapshot | %d ms |
                | propagation min (file write -> first link has the snapshot) | %.1f ms |
                | propagation p50 (file write -> link has the snapshot) | %.1f ms |
                | propagation p99 | %.1f ms |
                | propagation max | %.1f ms |
                | replica RSS | %.1f MiB |
                | replica heap used after a full GC | %s |
                | link errors (lost links, failed connects) | %d |
                """, links, connected, services, document(services, 1).length(), rounds, connectMillis,
                all[0] / 1e6, quantile(all, 0.50) / 1e6, quantile(all, 0.99) / 1e6, all[all.length - 1] / 1e6, rss / 1024.0,
                heap < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", heap / 1024.0), problems.get());
    }

    /** The policy the replica serves: {@code services} services; round r moves the first one. */
    static String document(int services, int round) {
        StringBuilder doc = new StringBuilder("services:\n");
        doc.append("  orders:\n    endpoints: [ 10.1.").append(round / 250).append('.').append(round % 250 + 1)
                .append(":8080, 10.2.0.1:8080 ]\n    retries: { attempts: 3, retryOn: [ connect-failure, 503 ] }\n");
        for (int i = 1; i < services; i++) {
            doc.append("  svc-").append(i).append(":\n    endpoints: [ 10.3.").append(i / 250).append('.')
                    .append(i % 250 + 1).append(":8080 ]\n    balancer: least-request\n");
        }
        return doc.toString();
    }

    /** The round whose endpoint the document carries, or -1. */
    static int markerRound(String yaml) {
        int at = yaml.indexOf("10.1.");
        if (at < 0) {
            return -1;
        }
        int end = yaml.indexOf(":8080", at);
        String[] parts = yaml.substring(at + 5, end).split("\\.");
        return Integer.parseInt(parts[0]) * 250 + Integer.parseInt(parts[1]) - 1;
    }

    static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static void awaitListening(Process replica) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(replica.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.contains("listening on")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (reader.readLine() != null) {
                            // the replica's log is not part of the report
                        }
                    } catch (IOException ignored) {
                        // replica gone
                    }
                }, "replica-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IOException("the replica exited before listening");
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap in use after a full GC, through jcmd (same JDK); -1 when it cannot be had. */
    private static long heapUsedKiB(long pid) {
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            Process info = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            info.waitFor(30, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("used ([0-9]+)K").matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

}

package dev.jmesh.benchmarks.e2e;

import dev.jmesh.benchmarks.e2e.Results.Cell;
import dev.jmesh.benchmarks.e2e.Results.CellKey;
import dev.jmesh.benchmarks.e2e.Results.MtlsKey;
import dev.jmesh.benchmarks.e2e.Results.MtlsSetup;
import dev.jmesh.benchmarks.e2e.Results.ServedKey;
import dev.jmesh.benchmarks.e2e.Results.Setup;
import dev.jmesh.benchmarks.e2e.Results.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The orchestrator of the end-to-end harness, started by {@code scripts/perf-e2e.sh}. It starts
 * nginx and HAProxy, runs every (setup, client, concurrency) cell in a fresh client JVM, round
 * after round with the setups alternating, then the served-requests cells (the application's
 * own server in a fresh JVM with and without the agent, loaded by a client JVM), then the
 * start-up and memory probes, and writes {@code e2e.md}, {@code e2e-latency.png},
 * {@code served.md} and {@code startup-memory.md} into {@code --out}.
 *
 * <pre>
 * --mode full|smoke     defaults for everything below (full: 5 rounds of 4 s + 6 s, 1 and 16 threads;
 *                       smoke: 1 round of 0.5 s + 1 s, 1 thread, served cells: Jetty, 1 thread;
 *                       one warm start-up run of each variant)
 * --out DIR             where the reports go
 * --work DIR            configs, logs and the pid list of the processes started (for the script's trap)
 * --agent-jar PATH      jmesh-agent.jar
 * --client-cp CP        class path of the client JVMs: these classes and OkHttp, no jmesh
 * --served-cp CP        class path of the served-requests server JVMs: these classes and Jetty, no jmesh
 * --otel-agent PATH     opentelemetry-javaagent.jar, or absent: that reference is then "n/a"
 * --command TEXT        the command line to print in the reports
 * --rounds N --warmup-ms N --measure-ms N --concurrency 1,16 --startup-runs N --cold-runs N --memory-runs N
 * --clients jdk,okhttp  add jdk-async (sendAsync(..).join(), no agent involved) as a diagnostic
 * --servers jdk,jetty   the served-requests cells' server libraries (smoke: jetty)
 * --served-concurrency 1,16     their client threads (smoke: 1)
 * --skip-e2e / --skip-served / --skip-mtls / --skip-startup   leave a part out
 * </pre>
 */
public final class PerfE2E {

    static final List<String> CLIENT_JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m");
    /**
     * The JDK's HttpServer writes a response's head and body apart: with Nagle's algorithm on,
     * each body waits for the client's delayed ACK (40 ms), and a cell would time the kernel's
     * timer. On the command line, not in the app: the agent's own admin endpoint is an
     * HttpServer too and reads the server's properties before {@code main}.
     */
    static final List<String> SERVED_JVM_OPTIONS = Stream.concat(CLIENT_JVM_OPTIONS.stream(),
            Stream.of("-Dsun.net.httpserver.nodelay=true")).toList();

    final Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    final boolean smoke;
    final Path out;
    final Path work;
    final Path agentJar;
    final String clientCp;
    final String servedCp;
    final Path otelAgent;
    final String command;
    final int rounds;
    final int warmupMs;
    final int measureMs;
    final List<Integer> concurrencies;
    final List<String> clients;
    final List<String> mtlsClients;
    final List<String> servedServers;
    final List<Integer> servedConcurrencies;
    final int startupRuns;
    final int coldRuns;
    final int memoryRuns;
    final Processes processes;
    Servers servers;

    private PerfE2E(Args args) {
        smoke = args.get("mode", "full").equals("smoke");
        out = Path.of(args.get("out")).toAbsolutePath();
        work = Path.of(args.get("work")).toAbsolutePath();
        agentJar = Path.of(args.get("agent-jar")).toAbsolutePath();
        clientCp = args.get("client-cp");
        servedCp = args.get("served-cp", "");
        String otel = args.get("otel-agent", "");
        otelAgent = otel.isEmpty() || !Files.isRegularFile(Path.of(otel)) ? null : Path.of(otel).toAbsolutePath();
        command = args.get("command", "scripts/perf-e2e.sh" + (smoke ? " --smoke" : ""));
        rounds = args.getInt("rounds", smoke ? 1 : 5);
        warmupMs = args.getInt("warmup-ms", smoke ? 500 : 4000);
        measureMs = args.getInt("measure-ms", smoke ? 1000 : 6000);
        concurrencies = list(args.get("concurrency", smoke ? "1" : "1,16")).stream().map(Integer::parseInt).toList();
        clients = list(args.get("clients", "jdk,okhttp"));
        // One client's three short mTLS cells in a smoke run: enough to keep the part from rotting.
        mtlsClients = smoke ? List.of("jdk") : clients;
        // One short served cell pair in a smoke run: enough to keep the part from rotting.
        servedServers = list(args.get("servers", smoke ? "jetty" : "jdk,jetty"));
        servedConcurrencies = list(args.get("served-concurrency", smoke ? "1" : "1,16")).stream()
                .map(Integer::parseInt).toList();
        startupRuns = args.getInt("startup-runs", smoke ? 1 : 9);
        coldRuns = args.getInt("cold-runs", smoke ? 1 : 5);
        memoryRuns = args.getInt("memory-runs", smoke ? 1 : 3);
        processes = new Processes(work);
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        PerfE2E harness = new PerfE2E(args);
        Files.createDirectories(harness.out);
        Files.createDirectories(harness.work);
        Machine machine = Machine.describe(harness.javaBin);
        boolean e2e = !args.flag("skip-e2e");
        boolean startup = !args.flag("skip-startup");
        // The served cells need neither nginx nor HAProxy.
        try (Servers servers = e2e || startup ? Servers.start(harness.processes) : null) {
            harness.servers = servers;
            System.out.println("perf-e2e: " + (servers == null ? ""
                    : "nginx " + servers.nginxAddress() + ", HAProxy " + servers.haproxyAddress() + ", ")
                    + "work dir " + harness.work);
            if (e2e) {
                harness.runE2e(machine);
            }
            if (!args.flag("skip-served")) {
                harness.runServed(machine);
            }
            if (!args.flag("skip-mtls")) {
                harness.runMtls(machine);
            }
            if (startup) {
                harness.runStartupAndMemory(machine);
            }
        }
        System.out.println("perf-e2e: reports in " + harness.out);
    }

    // ---------------------------------------------------------------- latency and throughput

    private void runE2e(Machine machine) throws Exception {
        Path policy = writePolicy("mesh-backend.yaml", 1, "backend");
        int cellsPerRound = Setup.values().length * clients.size() * concurrencies.size();
        System.out.printf(Locale.ROOT, "perf-e2e: %d round(s) x %d cells, %.1f s + %.1f s each (about %d s)%n",
                rounds, cellsPerRound, warmupMs / 1000.0, measureMs / 1000.0,
                rounds * cellsPerRound * (warmupMs + measureMs + 700) / 1000);
        List<Cell<CellKey>> cells = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String client : clients) {
                for (int concurrency : concurrencies) {
                    for (Setup setup : Setup.values()) {
                        CellKey key = new CellKey(setup, client, concurrency);
                        Cell<CellKey> cell = runCell(key, round, policy);
                        cells.add(cell);
                        System.out.printf(Locale.ROOT,
                                "  round %d/%d  %-6s %2d thread(s)  %-14s p50 %7.1f µs  p99 %8.1f µs  %9.0f req/s  cpu %6.1f µs/req%n",
                                round, rounds, client, concurrency, setup.label(), cell.p50(), cell.p99(), cell.rps(),
                                cell.cpuPerRequest());
                    }
                }
            }
        }
        Map<CellKey, Summary<CellKey>> summaries = Results.summarize(cells);
        Reports.writeE2e(this, machine, cells, summaries, out.resolve("e2e.md"));
        LatencyPlot.write(out.resolve("e2e-latency.png"), summaries, clients, concurrencies, rounds, warmupMs, measureMs);
        System.out.println("perf-e2e: wrote " + out.resolve("e2e.md") + " and " + out.resolve("e2e-latency.png"));
    }

    private Cell<CellKey> runCell(CellKey key, int round, Path policy) throws Exception {
        List<String> agent = List.of();
        String url = switch (key.setup()) {
            case A -> "http://" + servers.nginxAddress() + "/";
            case B -> {
                agent = List.of("-javaagent:" + agentJar + "=config=" + policy);
                yield "http://backend/";
            }
            case C -> "http://" + servers.haproxyAddress() + "/";
        };
        long peer = key.setup() == Setup.C ? servers.haproxy().pid() : -1;
        return load(key, round, agent, url, key.client(), key.concurrency(), key.setup().id, peer);
    }

    /**
     * Runs one {@link LoadClient} JVM to completion: {@code jvmOptions} are the agent's, if any;
     * {@code peerPid} is the process whose CPU it also measures, or -1.
     */
    private <K> Cell<K> load(K key, int round, List<String> jvmOptions, String url, String client, int concurrency,
                             String label, long peerPid) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(CLIENT_JVM_OPTIONS);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", clientCp, LoadClient.class.getName(), "--url", url, "--client", client,
                "--concurrency", String.valueOf(concurrency), "--warmup-ms", String.valueOf(warmupMs),
                "--measure-ms", String.valueOf(measureMs), "--label", label, "--peer-pid", String.valueOf(peerPid)));
        long[] machineBefore = Processes.machineCpuTicks();
        Processes.Run run = processes.run(cmd, (warmupMs + measureMs) / 1000 + 120);
        long[] machineAfter = Processes.machineCpuTicks();
        long machineAll = machineAfter[0] - machineBefore[0];
        double stealPct = machineAll > 0 ? 100.0 * (machineAfter[1] - machineBefore[1]) / machineAll : Double.NaN;
        if (run.exitCode() != 0) {
            throw new IllegalStateException("client JVM for " + key + " exited with " + run.exitCode()
                    + "; stdout " + run.stdout() + "; stderr " + run.stderr());
        }
        return Cell.parse(key, round, run.line("E2E-RESULT "), stealPct);
    }

    // ---------------------------------------------------------------- served requests

    private void runServed(Machine machine) throws Exception {
        if (servedCp.isEmpty()) {
            throw new IllegalArgumentException("missing option --served-cp (the served cells' class path)");
        }
        int cellsPerRound = servedServers.size() * servedConcurrencies.size() * 2;
        System.out.printf(Locale.ROOT, "perf-e2e: served requests, %d round(s) x %d cells, %.1f s + %.1f s each (about %d s)%n",
                rounds, cellsPerRound, warmupMs / 1000.0, measureMs / 1000.0,
                rounds * cellsPerRound * (warmupMs + measureMs + 1500) / 1000);
        List<Cell<ServedKey>> cells = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String server : servedServers) {
                for (int concurrency : servedConcurrencies) {
                    for (boolean agent : new boolean[] {false, true}) {
                        ServedKey key = new ServedKey(server, agent, concurrency);
                        Cell<ServedKey> cell = runServedCell(key, round);
                        cells.add(cell);
                        System.out.printf(Locale.ROOT,
                                "  round %d/%d  %-6s %2d thread(s)  %-10s p50 %7.1f µs  p99 %8.1f µs  %9.0f req/s  server cpu %6.1f µs/req%n",
                                round, rounds, server, concurrency, key.label(), cell.p50(), cell.p99(), cell.rps(),
                                cell.peerCpuPerRequest());
                    }
                }
            }
        }
        Reports.writeServed(this, machine, cells, Results.summarize(cells), out.resolve("served.md"));
        System.out.println("perf-e2e: wrote " + out.resolve("served.md"));
    }

    /**
     * A fresh server JVM for the cell, the load client against it, and with the agent the
     * agent's own count of what it served: a cell whose requests were not all recorded is not
     * measuring the recording.
     */
    private Cell<ServedKey> runServedCell(ServedKey key, int round) throws Exception {
        int port = Servers.freePort();
        int adminPort = Servers.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(SERVED_JVM_OPTIONS);
        if (key.agent()) {
            Path policy = work.resolve("mesh-served.yaml");
            Files.writeString(policy, "workload: served\nadmin: { port: " + adminPort + " }\n", StandardCharsets.UTF_8);
            cmd.add("-javaagent:" + agentJar + "=config=" + policy);
        }
        cmd.addAll(List.of("-cp", servedCp, ServedApp.class.getName(), key.server(), String.valueOf(port)));
        String name = "served-" + key.server();
        Process server = processes.startServer(name, cmd);
        try {
            Servers.awaitListening(name, server, port, work.resolve(name + ".out"));
            Cell<ServedKey> cell = load(key, round, List.of(), "http://" + Servers.HOST + ":" + port + "/", "jdk",
                    key.concurrency(), key.server() + "-" + key.label().charAt(0), server.pid());
            if (key.agent()) {
                long counted = DestinationCount.awaitAtLeast(adminPort, cell.totalRequests());
                if (counted < cell.totalRequests()) {
                    throw new IllegalStateException("served cell " + key + ", round " + round + ": the agent counted "
                            + counted + " served requests (istio_requests_total{reporter=\"destination\"}), the load client "
                            + "made " + cell.totalRequests() + "; the cell did not measure recording every request");
                }
            }
            return cell;
        } finally {
            processes.stop(server);
        }
    }

    // ---------------------------------------------------------------- service to service over mTLS

    private void runMtls(Machine machine) throws Exception {
        if (servedCp.isEmpty()) {
            throw new IllegalArgumentException("missing option --served-cp (the mTLS cells' backend class path)");
        }
        Pki pki = Pki.make(this);
        int cellsPerRound = MtlsSetup.values().length * mtlsClients.size() * concurrencies.size();
        System.out.printf(Locale.ROOT, "perf-e2e: service to service over mTLS, %d round(s) x %d cells (about %d s)%n",
                rounds, cellsPerRound, rounds * cellsPerRound * (warmupMs + measureMs + 1500) / 1000);
        List<Cell<MtlsKey>> cells = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String client : mtlsClients) {
                for (int concurrency : concurrencies) {
                    for (MtlsSetup setup : MtlsSetup.values()) {
                        MtlsKey key = new MtlsKey(setup, client, concurrency);
                        Cell<MtlsKey> cell = runMtlsCell(key, round, pki);
                        cells.add(cell);
                        System.out.printf(Locale.ROOT,
                                "  round %d/%d  %-6s %2d thread(s)  %-24s p50 %7.1f µs  p99 %8.1f µs  %9.0f req/s%n",
                                round, rounds, client, concurrency, setup.label(), cell.p50(), cell.p99(), cell.rps());
                    }
                }
            }
        }
        Reports.writeMtls(this, machine, Servers.haproxyVersion(processes), cells, Results.summarize(cells),
                out.resolve("mtls.md"));
        System.out.println("perf-e2e: wrote " + out.resolve("mtls.md"));
    }

    /** A trust domain and two workloads made with the agent jar's own {@code ca}, and HAProxy's PEM of each. */
    record Pki(Path bundle, Path orders, Path frontend, Path ordersPem, Path frontendPem) {

        static Pki make(PerfE2E h) throws Exception {
            Path ca = h.work.resolve("mtls-ca");
            h.cli("ca", "init", ca.toString(), "--trust-domain", "perf.local");
            h.cli("ca", "issue", ca.toString(), "orders", "--days", "2");
            h.cli("ca", "issue", ca.toString(), "frontend", "--days", "2");
            Path orders = ca.resolve("default").resolve("orders");
            Path frontend = ca.resolve("default").resolve("frontend");
            return new Pki(orders.resolve("bundle.pem"), orders, frontend, haproxyPem(orders), haproxyPem(frontend));
        }

        /** HAProxy's {@code crt}: the chain, then the key. */
        private static Path haproxyPem(Path identity) throws IOException {
            Path pem = identity.resolve("haproxy.pem");
            Files.writeString(pem, Files.readString(identity.resolve("cert.pem")) + Files.readString(identity.resolve("key.pem")),
                    StandardCharsets.UTF_8);
            return pem;
        }

        String identityYaml(Path identity) {
            return "identity: { trustDomain: perf.local, certificate: \"" + identity.resolve("cert.pem") + "\", key: \""
                    + identity.resolve("key.pem") + "\", trustBundle: \"" + identity.resolve("bundle.pem") + "\" }\n";
        }
    }

    private void cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-jar", agentJar.toString()));
        cmd.addAll(List.of(args));
        Processes.Run run = processes.run(cmd, 60);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("jmesh-agent.jar " + String.join(" ", args) + ": " + run.stderr());
        }
    }

    /** A fresh Jetty JVM (with the agent in front of its port for d), the hops of e, and the load client. */
    private Cell<MtlsKey> runMtlsCell(MtlsKey key, int round, Pki pki) throws Exception {
        int port = Servers.freePort();
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString()));
        cmd.addAll(SERVED_JVM_OPTIONS);
        if (key.setup() == MtlsSetup.AGENTS) {
            Path policy = work.resolve("mesh-mtls-server.yaml");
            Files.writeString(policy, "workload: orders\n" + pki.identityYaml(pki.orders())
                    + "inbound: { port: " + port + ", mtls: strict }\n", StandardCharsets.UTF_8);
            cmd.add("-javaagent:" + agentJar + "=config=" + policy);
        }
        cmd.addAll(List.of("-cp", servedCp, ServedApp.class.getName(), "jetty", String.valueOf(port)));
        List<Process> started = new ArrayList<>();
        try {
            Process server = processes.startServer("mtls-jetty", cmd);
            started.add(server);
            Servers.awaitListening("mtls-jetty", server, port, work.resolve("mtls-jetty.out"));
            List<String> agent = List.of();
            String url = "http://" + Servers.HOST + ":" + port + "/";
            if (key.setup() == MtlsSetup.AGENTS) {
                Path policy = work.resolve("mesh-mtls-client.yaml");
                Files.writeString(policy, "workload: frontend\n" + pki.identityYaml(pki.frontend()) + """
                        services:
                          backend:
                            endpoints: [ %s:%d ]
                            tls: { mode: mutual, serverIdentity: "spiffe://perf.local/ns/default/sa/orders" }
                        """.formatted(Servers.HOST, port), StandardCharsets.UTF_8);
                agent = List.of("-javaagent:" + agentJar + "=config=" + policy);
                url = "http://backend/";
            } else if (key.setup() == MtlsSetup.SIDECARS) {
                int inbound = Servers.freePort();
                int outbound = Servers.freePort();
                started.add(Servers.startTlsHop(processes, "hop-in", """
                        frontend in
                            bind %1$s:%2$d ssl crt %3$s ca-file %4$s verify required
                            default_backend app
                        backend app
                            http-reuse always
                            server jetty %1$s:%5$d
                        """.formatted(Servers.HOST, inbound, pki.ordersPem(), pki.bundle(), port), inbound));
                started.add(Servers.startTlsHop(processes, "hop-out", """
                        frontend out
                            bind %1$s:%2$d
                            default_backend mesh
                        backend mesh
                            http-reuse always
                            server peer %1$s:%3$d ssl verify required ca-file %4$s crt %5$s
                        """.formatted(Servers.HOST, outbound, inbound, pki.bundle(), pki.frontendPem()), outbound));
                url = "http://" + Servers.HOST + ":" + outbound + "/";
            }
            return load(key, round, agent, url, key.client(), key.concurrency(), key.setup().id, -1);
        } finally {
            for (Process process : started) {
                processes.stop(process);
            }
        }
    }

    // ---------------------------------------------------------------- start-up and memory

    /** One way of starting the probe JVMs, and what its probe calls. */
    record Variant(String name, List<String> jvmOptions, String url, String socket) {
        boolean isJmesh() {
            return name.startsWith("jmesh");
        }
    }

    /** One whole process of {@link FirstCallsProbe}. */
    record StartupRun(double wallMs, double jdkCallMs, double okhttpCallMs, double socketMs,
                      double peakRssKb, double cpuMs, double agentReportMs) {
    }

    record MemoryRun(double heapKb, double nonHeapKb, double rssKb, double classes) {
    }

    /** Warm (the machine has run these JVMs before) and cold (page cache dropped, fresh home and tmp) runs. */
    record Startup(Map<Variant, List<StartupRun>> warm, Map<Variant, List<StartupRun>> cold, String coldNote) {
    }

    private void runStartupAndMemory(Machine machine) throws Exception {
        Path ten = writePolicy("mesh-10.yaml", 10, "svc");
        Path withTcp = work.resolve("mesh-10-tcp.yaml");
        Files.writeString(withTcp, Files.readString(ten) + "  db:\n    protocol: tcp\n    endpoints: [ "
                + servers.nginxAddress() + " ]\n", StandardCharsets.UTF_8);
        Path hundred = writePolicy("mesh-100.yaml", 100, "svc");
        String direct = "http://" + servers.nginxAddress() + "/";
        String nginx = servers.nginxAddress();
        int nginxPort = Integer.parseInt(nginx.substring(nginx.lastIndexOf(':') + 1));

        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("no agent", List.of(), direct, nginx));
        variants.add(new Variant("an empty agent (premain does nothing)", List.of("-javaagent:" + EmptyAgent.jar(work)),
                direct, nginx));
        variants.add(new Variant("jmesh agent, 10 services", List.of("-javaagent:" + agentJar + "=config=" + ten),
                "http://svc0/", nginx));
        // The JDK's socket classes are loaded before any agent: a tcp service has them rewritten in premain.
        variants.add(new Variant("jmesh agent, 10 services + a tcp service (the socket goes to it)",
                List.of("-javaagent:" + agentJar + "=config=" + withTcp), "http://svc0/", "db:" + nginxPort));
        if (otelAgent != null) {
            variants.add(new Variant("OpenTelemetry Java agent " + otelVersion() + " (exporters none)", otelOptions(),
                    direct, nginx));
        }
        System.out.printf(Locale.ROOT, "perf-e2e: start-up, %d warm and %d cold run(s) of %d variants%n",
                startupRuns, coldRuns, variants.size());
        Map<Variant, List<StartupRun>> warm = new java.util.LinkedHashMap<>();
        Map<Variant, List<StartupRun>> cold = new java.util.LinkedHashMap<>();
        for (Variant v : variants) {
            warm.put(v, new ArrayList<>());
            cold.put(v, new ArrayList<>());
        }
        String coldNote = null;
        for (int i = 0; i < coldRuns; i++) {
            for (Variant v : variants) {
                String dropped = dropPageCache();
                coldNote = dropped == null ? coldNote : dropped;
                Path home = Files.createTempDirectory(work, "cold-home");
                StartupRun r = startupRun(v, home);
                cold.get(v).add(r);
                print("cold", i, coldRuns, v, r);
            }
        }
        for (Variant v : variants) {
            startupRun(v, null); // warms the page cache after the cold runs; not counted
        }
        for (int i = 0; i < startupRuns; i++) {
            for (Variant v : variants) {
                StartupRun r = startupRun(v, null);
                warm.get(v).add(r);
                print("warm", i, startupRuns, v, r);
            }
        }

        List<String> directUrls = List.of(direct + "a", direct + "b", direct + "c");
        List<String> meshUrls = List.of("http://svc0/a", "http://svc1/b", "http://svc2/c");
        List<Variant> memoryVariants = new ArrayList<>();
        memoryVariants.add(new Variant("no agent", List.of(), null, null));
        memoryVariants.add(new Variant("jmesh agent, 10 services", List.of("-javaagent:" + agentJar + "=config=" + ten), null, null));
        memoryVariants.add(new Variant("jmesh agent, 100 services",
                List.of("-javaagent:" + agentJar + "=config=" + hundred), null, null));
        if (otelAgent != null) {
            memoryVariants.add(new Variant("OpenTelemetry Java agent " + otelVersion() + " (exporters none)", otelOptions(),
                    null, null));
        }
        System.out.printf(Locale.ROOT, "perf-e2e: memory, %d run(s) of %d variants%n", memoryRuns, memoryVariants.size());
        Map<Variant, List<MemoryRun>> memory = new java.util.LinkedHashMap<>();
        for (Variant v : memoryVariants) {
            memory.put(v, new ArrayList<>());
        }
        for (int i = 0; i < memoryRuns; i++) {
            for (Variant v : memoryVariants) {
                MemoryRun r = memoryRun(v, v.isJmesh() ? meshUrls : directUrls);
                memory.get(v).add(r);
                System.out.printf(Locale.ROOT, "  run %d/%d  %-55s heap %7.1f MB  non-heap %6.1f MB  RSS %6.1f MB%n",
                        i + 1, memoryRuns, v.name(), r.heapKb() / 1024, r.nonHeapKb() / 1024, r.rssKb() / 1024);
            }
        }
        Reports.writeStartupMemory(this, machine, new Startup(warm, cold, coldNote), memory, out.resolve("startup-memory.md"));
        System.out.println("perf-e2e: wrote " + out.resolve("startup-memory.md"));
    }

    private static void print(String kind, int i, int runs, Variant v, StartupRun r) {
        System.out.printf(Locale.ROOT, "  %s %d/%d  %-62s wall %6.1f ms  first calls: jdk %6.1f okhttp %6.1f socket %5.1f ms"
                + "  peak RSS %5.1f MB  cpu %5.0f ms%n", kind, i + 1, runs, v.name(), r.wallMs(), r.jdkCallMs(),
                r.okhttpCallMs(), r.socketMs(), r.peakRssKb() / 1024, r.cpuMs());
    }

    /**
     * Drops the kernel's page cache so that the next JVM reads the JDK, the agent and the
     * libraries from disk, as on a machine's first run; {@code null} when done, else why not.
     */
    private static String dropPageCache() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
            return null;
        } catch (Exception e) {
            return "the page cache could not be dropped (" + e.getMessage() + "): cold runs differ from warm only by a fresh home and tmp";
        }
    }

    static final List<String> PROBE_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m");

    /** @param home a fresh home and tmp for a cold run, or {@code null} */
    private StartupRun startupRun(Variant v, Path home) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(PROBE_JVM_OPTIONS);
        if (home != null) {
            cmd.add("-Duser.home=" + home);
            cmd.add("-Djava.io.tmpdir=" + home);
        }
        cmd.addAll(v.jvmOptions());
        cmd.addAll(List.of("-cp", clientCp, FirstCallsProbe.class.getName(), v.url(), v.socket()));
        Map<String, String> env = home == null ? Map.of() : Map.of("HOME", home.toString(), "TMPDIR", home.toString(),
                "JMESH_CACHE", home.resolve(".cache/jmesh/weave").toString());
        Processes.Run run = processes.run(cmd, env, 120);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("first-calls probe (" + v.name() + ") exited with " + run.exitCode()
                    + ": " + run.stderr());
        }
        Map<String, String> f = Results.fields(run.line("FIRSTCALLS-RESULT "));
        double agentReport = Double.NaN;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("jmesh: \\S+ started in (\\d+) ms").matcher(run.stderr());
        if (m.find()) {
            agentReport = Double.parseDouble(m.group(1));
        }
        return new StartupRun(run.wallNanos() / 1e6, num(f, "jdk_call_ms"), num(f, "okhttp_call_ms"), num(f, "socket_ms"),
                num(f, "peak_rss_kb"), num(f, "cpu_ms"), agentReport);
    }

    private static double num(Map<String, String> fields, String name) {
        return Double.parseDouble(fields.get(name));
    }

    private MemoryRun memoryRun(Variant v, List<String> urls) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(PROBE_JVM_OPTIONS);
        cmd.addAll(v.jvmOptions());
        cmd.addAll(List.of("-cp", clientCp, MemoryProbe.class.getName()));
        cmd.addAll(urls);
        Processes.Run run = processes.run(cmd, 120);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("memory probe (" + v.name() + ") exited with " + run.exitCode()
                    + "; stdout " + run.stdout() + "; stderr " + run.stderr());
        }
        Map<String, String> f = Results.fields(run.line("MEMORY-RESULT "));
        return new MemoryRun(Double.parseDouble(f.get("heap_used_kb")), Double.parseDouble(f.get("nonheap_used_kb")),
                Double.parseDouble(f.get("rss_kb")), Double.parseDouble(f.get("classes")));
    }

    private List<String> otelOptions() {
        return List.of("-javaagent:" + otelAgent, "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none");
    }

    String otelVersion() {
        if (otelAgent == null) {
            return "";
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(otelAgent.toFile())) {
            String v = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
            return v == null ? "" : v;
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A policy with {@code count} services, each with nginx as its one endpoint. */
    private Path writePolicy(String file, int count, String name) throws java.io.IOException {
        StringBuilder yaml = new StringBuilder("workload: perf-client\nservices:\n");
        for (int i = 0; i < count; i++) {
            String service = count == 1 && name.equals("backend") ? name : name + i;
            yaml.append("  ").append(service).append(":\n")
                    .append("    balancer: round-robin\n")
                    .append("    endpoints: [ ").append(servers.nginxAddress()).append(" ]\n");
        }
        Path path = work.resolve(file);
        Files.writeString(path, yaml, StandardCharsets.UTF_8);
        return path;
    }
}

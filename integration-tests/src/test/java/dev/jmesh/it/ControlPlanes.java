package dev.jmesh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Real control-plane replicas ({@code jmesh-control.jar}) and a real ZooKeeper, each its own JVM. */
final class ControlPlanes {

    static final Path CONTROL_JAR = Path.of(System.getProperty("jmesh.control.jar"));
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ControlPlanes() {}

    /** A replica on {@code port} serving {@code configDir}; returns once it listens. */
    static AppJvm replica(Path configDir, int port, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port, "--config", configDir.toString()));
        args.addAll(List.of(extra));
        AppJvm replica = AppJvm.on(Jdk.JDK17).runJar(CONTROL_JAR, args.toArray(String[]::new));
        replica.awaitErrorLine(line -> line.contains("listening on"));
        return replica;
    }

    /**
     * ZooKeeper 3.9 standalone from its Maven Central jars ({@code target/libs/zookeeper}), on a
     * free port with its data in {@code dir}; returns once it accepts connections. A 500 ms tick
     * allows session timeouts from 1 s, so a dead replica's nodes go quickly.
     */
    static AppJvm zooKeeper(Path dir, int port) throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve("zk-data"));
        Path config = dir.resolve("zoo.cfg");
        Files.writeString(config, String.join("\n",
                "tickTime=500",
                "dataDir=" + data,
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                "admin.enableServer=false",
                "") );
        AppJvm zk = AppJvm.on(Jdk.JDK17).classPath(AppJvm.classPath("zookeeper"))
                .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .run("org.apache.zookeeper.server.ZooKeeperServerMain", List.of(config.toString()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                // Serving, not just listening: 'srvr' (allowed by default) answers with the version.
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                s.setSoTimeout(1000);
                s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
                if (new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).contains("Zookeeper version")) {
                    return zk;
                }
                throw new IOException("not serving yet");
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !zk.alive()) {
                    zk.close();
                    throw new AssertionError("ZooKeeper did not start: " + zk.stderrLines());
                }
                Thread.sleep(50);
            }
        }
    }

    /** The same, and on a timeout the agent's own words: why its admin endpoint or link never came up. */
    static String awaitPage(AppJvm agent, int adminPort, String path, Predicate<String> match) throws InterruptedException {
        try {
            return awaitPage(adminPort, path, match);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "\nthe agent's stderr:\n" + String.join("\n", agent.stderrLines()),
                    timedOut);
        }
    }

    /** An agent's admin page, polled until it matches. */
    static String awaitPage(int adminPort, String path, Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = Http.get("http://127.0.0.1:" + adminPort + path).body();
                if (match.test(last)) {
                    return last;
                }
            } catch (IOException notUpYet) {
                // the admin endpoint starts off the main thread
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting on " + path + "; last:\n" + last);
    }

    /** Replaces a file the way deployment tools do: a hidden temp file in the same directory, then a move. */
    static void writeAtomically(Path file, String text) {
        try {
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code backend=} of each RESULT line for {@code url}, in order. */
    static List<String> backends(List<String> stdout, String url) {
        List<String> names = new ArrayList<>();
        for (String line : stdout) {
            if (line.startsWith("RESULT " + url + " ")) {
                for (String part : line.split(" ")) {
                    if (part.startsWith("backend=")) {
                        names.add(part.substring("backend=".length()));
                    }
                }
            }
        }
        return names;
    }
}

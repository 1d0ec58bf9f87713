package dev.jmesh.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, made with Debian's {@code initdb} and run
 * with {@code pg_ctl} (installed by {@code scripts/install-test-deps.sh}). PostgreSQL refuses
 * to run as root, so when the tests run as root its commands run as the {@code postgres} user.
 */
final class PostgresServer implements AutoCloseable {

    private static final Path BIN = findBin();
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final Path data;
    private final int port;
    private final Thread cleanup;
    private boolean running;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        // A test JVM that dies must not leave servers behind.
        this.cleanup = new Thread(() -> pgCtlQuietly("immediate"));
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Creates a cluster (not yet started) in a fresh directory. */
    static PostgresServer create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jmesh-pg-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        if (ROOT) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        PostgresServer server = new PostgresServer(dir, FreePort.pick());
        server.pg("initdb", "-D", server.data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        return server;
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    void start() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off -c max_connections=40",
                "start");
        running = true;
    }

    /** A fast shutdown: open connections are terminated, as when a database server is stopped. */
    void stop() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
    }

    void stopIfRunning() {
        if (running) {
            pgCtlQuietly("immediate");
            running = false;
        }
    }

    @Override
    public void close() throws IOException {
        stopIfRunning();
        Runtime.getRuntime().removeShutdownHook(cleanup);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void pgCtlQuietly(String mode) {
        try {
            pg("pg_ctl", "-D", data.toString(), "-m", mode, "-w", "stop");
        } catch (IOException | InterruptedException | AssertionError e) {
            // not running
        }
    }

    private void pg(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(BIN.resolve(tool).toString());
        command.addAll(List.of(args));
        run(command, true);
    }

    private static void run(List<String> command, boolean inTmp) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (inTmp) {
            builder.directory(Path.of("/tmp").toFile()); // postgres may not read the build directory
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static Path findBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb);"
                    + " run scripts/install-test-deps.sh", e);
        }
    }
}

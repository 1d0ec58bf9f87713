package dev.jmesh.benchmarks.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The backend (nginx) and the sidecar-hop reference (HAProxy), each a foreground process with
 * its config in the work directory, on loopback ports picked at run time.
 */
final class Servers implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final Processes processes;
    final int nginxPort;
    final int haproxyPort;
    final String nginxVersion;
    final String haproxyVersion;
    private Process nginx;
    private Process haproxy;

    private Servers(Processes processes, int nginxPort, int haproxyPort, String nginxVersion, String haproxyVersion) {
        this.processes = processes;
        this.nginxPort = nginxPort;
        this.haproxyPort = haproxyPort;
        this.nginxVersion = nginxVersion;
        this.haproxyVersion = haproxyVersion;
    }

    static Servers start(Processes processes) throws IOException, InterruptedException {
        String nginxBin = binary("nginx");
        String haproxyBin = binary("haproxy");
        Servers servers = new Servers(processes, freePort(), freePort(),
                version(processes, List.of(nginxBin, "-v"), "nginx version: "),
                version(processes, List.of(haproxyBin, "-v"), "HAProxy version "));
        try {
            servers.startNginx(nginxBin);
            servers.startHaproxy(haproxyBin);
        } catch (IOException | InterruptedException | RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    String nginxAddress() {
        return HOST + ":" + nginxPort;
    }

    String haproxyAddress() {
        return HOST + ":" + haproxyPort;
    }

    Process haproxy() {
        return haproxy;
    }

    Process nginx() {
        return nginx;
    }

    private void startNginx(String bin) throws IOException, InterruptedException {
        Path prefix = processes.work().resolve("nginx");
        Files.createDirectories(prefix.resolve("temp"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                # The e2e harness's backend: the smallest possible response, keep-alive, one worker.
                daemon off;
                master_process on;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log off;
                    server_tokens off;
                    keepalive_timeout 300s;
                    keepalive_requests 100000000;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    server {
                        listen %2$s:%3$d;
                        default_type text/plain;
                        location / {
                            return 200 "ok";
                        }
                    }
                }
                """.formatted(prefix, HOST, nginxPort), StandardCharsets.UTF_8);
        nginx = processes.startServer("nginx", List.of(bin, "-p", prefix + "/", "-c", conf.toString(),
                "-e", prefix.resolve("error.log").toString()));
        awaitListening("nginx", nginx, nginxPort, processes.work().resolve("nginx.out"));
        processes.trackDescendants(nginx);
    }

    /** Every HAProxy of the harness: HTTP mode, keep-alive on both sides, one thread. */
    private static final String HOP_SETTINGS = """
            global
                nbthread 1
                maxconn 4096
            defaults
                mode http
                option http-keep-alive
                timeout connect 5s
                timeout client 300s
                timeout server 300s
                timeout http-keep-alive 300s
            """;

    private void startHaproxy(String bin) throws IOException, InterruptedException {
        Path conf = processes.work().resolve("haproxy.cfg");
        Files.writeString(conf, "# The e2e harness's sidecar hop: one backend.\n" + HOP_SETTINGS + """
                frontend sidecar
                    bind %1$s:%2$d
                    default_backend app
                backend app
                    http-reuse always
                    server nginx %1$s:%3$d
                """.formatted(HOST, haproxyPort, nginxPort), StandardCharsets.UTF_8);
        haproxy = processes.startServer("haproxy", List.of(bin, "-db", "-f", conf.toString()));
        awaitListening("haproxy", haproxy, haproxyPort, processes.work().resolve("haproxy.out"));
    }

    /**
     * One HAProxy of the mTLS cells' sidecar pair: {@code proxies} (its frontend and backend)
     * under the sidecar hop's own global and default settings; returns once it listens on {@code port}.
     */
    static Process startTlsHop(Processes processes, String name, String proxies, int port)
            throws IOException, InterruptedException {
        Path conf = processes.work().resolve(name + ".cfg");
        Files.writeString(conf, HOP_SETTINGS + proxies, StandardCharsets.UTF_8);
        Process hop = processes.startServer(name, List.of(binary("haproxy"), "-db", "-f", conf.toString()));
        awaitListening(name, hop, port, processes.work().resolve(name + ".out"));
        return hop;
    }

    @Override
    public void close() {
        processes.stop(haproxy);
        processes.stop(nginx);
    }

    static void awaitListening(String name, Process process, int port, Path output)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": "
                        + Files.readString(output));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(name + " not listening on " + port + " after 15 s: " + Files.readString(output));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    static String binary(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " not found (scripts/install-perf-deps.sh installs it)");
    }

    /** HAProxy's version, as the mTLS cells' sidecar pair runs it. */
    static String haproxyVersion(Processes processes) throws IOException, InterruptedException {
        return version(processes, List.of(binary("haproxy"), "-v"), "HAProxy version ");
    }

    private static String version(Processes processes, List<String> command, String prefix)
            throws IOException, InterruptedException {
        Processes.Run run = processes.run(command, 30);
        for (String line : (String.join("\n", run.stdout()) + "\n" + run.stderr()).split("\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                String rest = line.substring(at + prefix.length()).trim();
                int space = rest.indexOf(' ');
                return space < 0 ? rest : rest.substring(0, space);
            }
        }
        return "?";
    }
}

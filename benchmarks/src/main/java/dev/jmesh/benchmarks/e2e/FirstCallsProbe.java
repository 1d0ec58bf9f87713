package dev.jmesh.benchmarks.e2e;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The app of the start-up measurement: what a service does as it starts. It builds a JDK
 * {@code HttpClient} and calls {@code URL} once, builds an {@code OkHttpClient} and calls it
 * once, opens and closes one TCP connection to {@code HOST:PORT} (what a JDBC pool's first
 * connection does), and exits. The orchestrator times the whole process from spawn to exit.
 *
 * <pre>FirstCallsProbe URL HOST:PORT</pre>
 * <pre>FIRSTCALLS-RESULT jdk_call_ms=.. okhttp_call_ms=.. socket_ms=.. peak_rss_kb=.. cpu_ms=..</pre>
 * A call is timed from the request's send to its body read; the client's construction apart.
 * Peak RSS is {@code VmHWM} from {@code /proc/self/status}, CPU the process's user and system
 * time over all its threads.
 */
public final class FirstCallsProbe {

    private FirstCallsProbe() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String[] socketTarget = args[1].split(":");
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long t1 = System.nanoTime();
        HttpResponse<String> a = jdk.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        long t2 = System.nanoTime();
        check("jdk", a.statusCode());
        OkHttpClient okhttp = new OkHttpClient();
        long t3 = System.nanoTime();
        try (Response b = okhttp.newCall(new Request.Builder().url(url).build()).execute()) {
            b.body().string();
            check("okhttp", b.code());
        }
        long t4 = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(socketTarget[0], Integer.parseInt(socketTarget[1])), 5000);
        }
        long t5 = System.nanoTime();
        long cpuMs = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.println("FIRSTCALLS-RESULT jdk_call_ms=" + ms(t2 - t1) + " okhttp_call_ms=" + ms(t4 - t3)
                + " socket_ms=" + ms(t5 - t4)
                + " peak_rss_kb=" + status("VmHWM:") + " cpu_ms=" + cpuMs);
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
    }

    private static String ms(long nanos) {
        return String.valueOf(nanos / 1000 / 1000.0);
    }

    private static void check(String client, int status) {
        if (status != 200) {
            System.err.println("first-calls probe: " + client + " answered " + status);
            System.exit(2);
        }
    }

    static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

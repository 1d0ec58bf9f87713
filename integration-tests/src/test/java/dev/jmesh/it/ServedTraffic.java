package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.ServerAppB;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server of {@link ServerAppB}, with the agent, sent a known set of requests by a client
 * without agent (the test JVM's {@code java.net.http}): each is answered as without the mesh,
 * and the agent's {@code /metrics} counts them once each on the destination side, with their
 * exact body bytes, chunked or sized, HTTP/1.1 and HTTP/2.
 */
final class ServedTraffic {

    /**
     * One request sent and what its response must be; {@code chunked} sends the body without a
     * length; {@code version} is the client's, and the response's.
     */
    private record Exchange(HttpClient.Version version, String method, String path, int requestBytes, boolean chunked,
                            int status, int responseBytes) {}

    private static final String PEER = "x-jmesh-peer";
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServedTraffic() {}

    /**
     * Runs {@code server} and checks every request under each of {@code prefixes} ("" for the plain
     * routes) over HTTP/1.1, then, with {@code http2}, the plain routes over HTTP/2 (the connection
     * upgraded by its first request, {@code h2c}).
     */
    static void assertServedAndReported(Jdk jdk, Path dir, String server, boolean http2, String... prefixes)
            throws Exception {
        int port = FreePort.pick();
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: orders
                admin: { port: %d }
                """.formatted(adminPort));
        List<Exchange> sent = new ArrayList<>();
        for (String prefix : prefixes) {
            sent.addAll(traffic(HttpClient.Version.HTTP_1_1, prefix));
        }
        if (http2) {
            sent.addAll(traffic(HttpClient.Version.HTTP_2, ""));
        }
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath(libraries(server)))
                .run(ServerAppB.class.getName(), List.of(server, Integer.toString(port)))) {
            app.awaitLine("LISTENING"::equals);
            String base = "http://127.0.0.1:" + port;
            HttpClient http2Client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            for (Exchange exchange : sent) {
                HttpClient client = exchange.version() == HttpClient.Version.HTTP_2 ? http2Client : HTTP_1_1;
                HttpResponse<byte[]> response = send(client, base, exchange, null);
                assertEquals(exchange.version(), response.version(), exchange::toString);
                assertEquals(exchange.status(), response.statusCode(), exchange::toString);
                assertEquals(exchange.responseBytes(), response.body().length, exchange::toString);
                assertFalse(response.headers().firstValue(PEER).isPresent(), "a caller without the header is told nothing");
            }
            HttpResponse<byte[]> fromMesh = send(HTTP_1_1, base,
                    new Exchange(HttpClient.Version.HTTP_1_1, "GET", "/status/200", 0, false, 200, 0), "workload=frontend");
            assertTrue(fromMesh.headers().firstValue(PEER).isPresent(), "a mesh caller is told who answered");

            String destination = "reporter=\"destination\"";
            String metrics = ControlPlanes.awaitPage(app, adminPort, "/metrics",
                    page -> sum(page, "istio_requests_total", destination) == sent.size() + 1);
            assertEquals(count(sent, 200) + 1, sum(metrics, "istio_requests_total", destination, "response_code=\"200\""), metrics);
            assertEquals(count(sent, 503), sum(metrics, "istio_requests_total", destination, "response_code=\"503\""), metrics);
            assertEquals(count(sent, 404), sum(metrics, "istio_requests_total", destination, "response_code=\"404\""), metrics);
            assertEquals(sent.stream().mapToLong(Exchange::requestBytes).sum(),
                    sum(metrics, "istio_request_bytes_sum", destination), metrics);
            assertEquals(sent.stream().mapToLong(Exchange::responseBytes).sum(),
                    sum(metrics, "istio_response_bytes_sum", destination), metrics);
            assertEquals(sent.size() + 1, sum(metrics, "istio_request_duration_milliseconds_count", destination), metrics);

            app.writeLine("exit");
            app.awaitLine("STOPPED"::equals);
            assertTrue(app.stderrLines().stream().noneMatch(line -> line.contains("jmesh: ")
                    && (line.contains("not the shape") || line.contains("could not instrument"))), app.stderrLines()::toString);
        }
    }

    /** The same requests under a prefix; the first has no body, so that it may upgrade its connection to HTTP/2. */
    private static List<Exchange> traffic(HttpClient.Version version, String prefix) {
        return List.of(
                new Exchange(version, "GET", prefix + "/bytes/5500", 0, false, 200, 5_500),
                new Exchange(version, "POST", prefix + "/echo", 12_345, false, 200, 12_345),
                new Exchange(version, "POST", prefix + "/echo", 3_000, true, 200, 3_000),
                new Exchange(version, "GET", prefix + "/status/503", 0, false, 503, 0),
                new Exchange(version, "GET", prefix + "/status/503", 0, false, 503, 0),
                new Exchange(version, "GET", prefix + "/status/404", 0, false, 404, 0));
    }

    private static String[] libraries(String server) {
        return switch (server) {
            case "tomcat" -> new String[] {"tomcat"};
            case "netty" -> new String[] {"netty"};
            default -> new String[] {"netty", "reactor-netty"};
        };
    }

    private static HttpResponse<byte[]> send(HttpClient client, String base, Exchange exchange, String peer)
            throws IOException, InterruptedException {
        byte[] body = new byte[exchange.requestBytes()];
        HttpRequest.BodyPublisher publisher = exchange.requestBytes() == 0 ? HttpRequest.BodyPublishers.noBody()
                : exchange.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + exchange.path()))
                .method(exchange.method(), publisher);
        if (peer != null) {
            request.header(PEER, peer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long count(List<Exchange> sent, int status) {
        return sent.stream().filter(exchange -> exchange.status() == status).count();
    }

    /** The sum of a metric over the series whose labels include all of {@code labels}. */
    static double sum(String exposition, String name, String... labels) {
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        double sum = 0;
        while (line.find()) {
            if (List.of(line.group(1).split(",")).containsAll(List.of(labels))) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }
}

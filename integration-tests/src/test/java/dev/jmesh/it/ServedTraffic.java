package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.ServerApp;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a server offers beyond {@link ServedRequestsConformance}, checked the same way: HTTP/2
 * ({@code h2c}: the connection is upgraded by its first request, whose answer comes on the
 * first stream), or the endpoints under a prefix (Tomcat's asynchronous servlet). Each request
 * is answered as without the mesh and counted once, with its exact body bytes.
 */
final class ServedTraffic {

    /** One request sent and what its response must be; {@code chunked} sends the body without a length. */
    private record Exchange(String method, String path, int requestBytes, boolean chunked, int status,
                            int responseBytes) {}

    private static final String DESTINATION = "reporter=\"destination\"";
    private static final String PEER_HEADER = "x-jmesh-peer";

    private ServedTraffic() {}

    static void assertServedAndReported(Jdk jdk, Path dir, String server, String classPath, HttpClient.Version version,
                                        String prefix) throws Exception {
        int port = FreePort.pick();
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: it-server
                admin: { port: %d }
                """.formatted(adminPort));
        // The first has no body, so that the client may upgrade its connection to HTTP/2 with it.
        List<Exchange> sent = List.of(
                new Exchange("GET", prefix + "/bytes/5500", 0, false, 200, 5_500),
                new Exchange("POST", prefix + "/echo", 12_345, false, 200, 12_345),
                new Exchange("POST", prefix + "/echo", 3_000, true, 200, 3_000),
                new Exchange("GET", prefix + "/status/503", 0, false, 503, 0),
                new Exchange("GET", prefix + "/status/503", 0, false, 503, 0),
                new Exchange("GET", prefix + "/status/404", 0, false, 404, 0));
        HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(classPath)
                .run(ServerApp.class.getName(), List.of(server, Integer.toString(port)))) {
            app.awaitLine("LISTENING"::equals);
            String base = "http://127.0.0.1:" + port;
            for (Exchange exchange : sent) {
                HttpResponse<byte[]> response = send(client, base, exchange, null);
                assertEquals(version, response.version(), exchange::toString);
                assertEquals(exchange.status(), response.statusCode(), exchange::toString);
                assertEquals(exchange.responseBytes(), response.body().length, exchange::toString);
                assertFalse(response.headers().firstValue(PEER_HEADER).isPresent(), "a caller without the header is told nothing");
            }
            HttpResponse<byte[]> fromAgent = send(client, base, new Exchange("GET", prefix + "/status/200", 0, false, 200, 0),
                    "workload=frontend");
            assertTrue(fromAgent.headers().firstValue(PEER_HEADER).isPresent(), "a mesh agent is told who answered");

            int requests = sent.size() + 1;
            String metrics = ControlPlanes.awaitPage(app, adminPort, "/metrics",
                    page -> ServedRequestsConformance.sum(page, "istio_requests_total", DESTINATION) >= requests);
            assertEquals(requests, sum(metrics, "istio_requests_total", DESTINATION), "each request counted once: " + metrics);
            assertEquals(count(sent, 200) + 1, sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"200\""), metrics);
            assertEquals(count(sent, 503), sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"503\""), metrics);
            assertEquals(count(sent, 404), sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"404\""), metrics);
            assertEquals(sent.stream().mapToLong(Exchange::requestBytes).sum(),
                    sum(metrics, "istio_request_bytes_sum", DESTINATION), metrics);
            assertEquals(sent.stream().mapToLong(Exchange::responseBytes).sum(),
                    sum(metrics, "istio_response_bytes_sum", DESTINATION), metrics);
            assertEquals(requests, sum(metrics, "istio_request_duration_milliseconds_count", DESTINATION), metrics);

            app.writeLine("exit");
            app.awaitLine("STOPPED"::equals);
            assertTrue(app.stderrLines().stream().noneMatch(line -> line.contains("not the shape")
                    || line.contains("could not instrument")), app.stderrLines()::toString);
        }
    }

    private static HttpResponse<byte[]> send(HttpClient client, String base, Exchange exchange, String peer)
            throws Exception {
        byte[] body = new byte[exchange.requestBytes()];
        HttpRequest.BodyPublisher publisher = exchange.requestBytes() == 0 ? HttpRequest.BodyPublishers.noBody()
                : exchange.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + exchange.path()))
                .method(exchange.method(), publisher).timeout(Duration.ofSeconds(10));
        if (peer != null) {
            request.header(PEER_HEADER, peer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long count(List<Exchange> sent, int status) {
        return sent.stream().filter(exchange -> exchange.status() == status).count();
    }

    private static double sum(String exposition, String name, String... labels) {
        return ServedRequestsConformance.sum(exposition, name, labels);
    }
}

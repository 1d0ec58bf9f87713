package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.ServerApp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The destination side's contract for every server library ({@code ServerApp SERVER PORT}): each
 * request the application serves is counted by status with {@code reporter="destination"}, its
 * body bytes as they were sent, fixed length and chunked alike, and a response carries
 * {@code x-jmesh-peer} only to a caller that sent it. The server runs with the agent on JDK 17
 * and 25; the requests come from this JVM's own client, without the agent. A server's test
 * names the server and its class path. A handler that throws is counted too, whatever the
 * server answers then (Jetty a 500, the JDK's server nothing: it closes the connection).
 */
abstract class ServedRequestsConformance {

    private static final String DESTINATION = "reporter=\"destination\"";
    private static final String PEER_HEADER = "x-jmesh-peer";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** The server's name in {@link ServerApp}. */
    abstract String server();

    /** The application's class path, with the server library. */
    abstract String classPath();

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void everyServedRequestIsCountedWithItsExactBodyBytes(Jdk jdk) throws Exception {
        int port = FreePort.pick();
        int adminPort = FreePort.pick();
        Path policy = Policy.write(dir, """
                workload: it-server
                admin: { port: %d }
                """.formatted(adminPort));
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(classPath())
                .run(ServerApp.class.getName(), List.of(server(), Integer.toString(port)))) {
            app.awaitLine("LISTENING"::equals);
            String base = "http://127.0.0.1:" + port;

            byte[] fixed = body(1234);
            HttpResponse<byte[]> echoed = send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(fixed)));
            assertEquals(200, echoed.statusCode());
            assertArrayEquals(fixed, echoed.body());
            assertFalse(echoed.headers().firstValue(PEER_HEADER).isPresent(),
                    "a caller that is no mesh agent is told nothing");

            byte[] chunked = body(3000);
            HttpResponse<byte[]> streamedIn = send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked))));
            assertArrayEquals(chunked, streamedIn.body(), "a chunked request body, echoed");

            HttpResponse<byte[]> streamedOut = send(HttpRequest.newBuilder(URI.create(base + "/bytes/5000")));
            assertEquals(5000, streamedOut.body().length);
            assertFalse(streamedOut.headers().firstValue("content-length").isPresent(), "the response is chunked");

            for (int i = 0; i < 2; i++) {
                assertEquals(503, send(HttpRequest.newBuilder(URI.create(base + "/status/503"))).statusCode());
            }
            assertEquals(204, send(HttpRequest.newBuilder(URI.create(base + "/status/204"))).statusCode());

            HttpResponse<byte[]> fromAgent = send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .header(PEER_HEADER, "workload=frontend")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(10))));
            assertTrue(fromAgent.headers().firstValue(PEER_HEADER).isPresent(),
                    "a mesh agent's call is answered with this workload's metadata: " + fromAgent.headers().map());

            String metrics = ControlPlanes.awaitPage(app, adminPort, "/metrics",
                    page -> sum(page, "istio_requests_total", DESTINATION) >= 7);
            assertEquals(4, sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"200\""), metrics);
            assertEquals(2, sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"503\""), metrics);
            assertEquals(1, sum(metrics, "istio_requests_total", DESTINATION, "response_code=\"204\""), metrics);
            assertEquals(7, sum(metrics, "istio_requests_total", DESTINATION), "the admin endpoint's own requests are not counted");
            assertEquals(1234 + 3000 + 10, sum(metrics, "istio_request_bytes_sum", DESTINATION), metrics);
            assertEquals(1234 + 3000 + 5000 + 10, sum(metrics, "istio_response_bytes_sum", DESTINATION), metrics);
            assertEquals(7, sum(metrics, "istio_request_duration_milliseconds_count", DESTINATION), metrics);

            // A handler that throws: the server answers an error or closes the connection; counted either way.
            try {
                // A POST: the JDK's client sends an idempotent request again on a closed connection.
                send(HttpRequest.newBuilder(URI.create(base + "/fail")).POST(HttpRequest.BodyPublishers.noBody()));
            } catch (IOException closedWithoutAnswer) {
                // the JDK's server closes the connection
            }
            String afterFailure = ControlPlanes.awaitPage(app, adminPort, "/metrics",
                    page -> sum(page, "istio_requests_total", DESTINATION) >= 8);
            assertEquals(8, sum(afterFailure, "istio_requests_total", DESTINATION), afterFailure);

            app.writeLine("exit");
            app.awaitLine("STOPPED"::equals);
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] body(int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 'b');
        return body;
    }

    /** The sum of a metric's series whose labels contain every fragment. */
    static double sum(String exposition, String name, String... labelFragments) {
        Matcher series = Pattern.compile("^" + Pattern.quote(name) + "\\{(.*)} (\\S+)$", Pattern.MULTILINE)
                .matcher(exposition);
        double sum = 0;
        while (series.find()) {
            String labels = series.group(1);
            if (Arrays.stream(labelFragments).allMatch(labels::contains)) {
                sum += Double.parseDouble(series.group(2));
            }
        }
        return sum;
    }
}

package dev.jmesh.benchmarks.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests a server's agent says it served: {@code istio_requests_total} with
 * {@code reporter="destination"}, summed over its series, from the agent's admin endpoint.
 */
final class DestinationCount {

    private static final Pattern SERIES = Pattern.compile("^istio_requests_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    /** A request is counted as it ends, which can be just after its client has the response. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private DestinationCount() {
    }

    /** The count once it reaches {@code expected}, or the last one seen when it did not within a few seconds. */
    static long awaitAtLeast(int adminPort, long expected) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Servers.HOST + ":" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        long counted = -1;
        while (true) {
            try {
                counted = of(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException notYet) {
                // the admin endpoint starts off the main thread
            }
            if (counted >= expected || System.nanoTime() > deadline) {
                return counted;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    static long of(String exposition) {
        Matcher series = SERIES.matcher(exposition);
        double sum = 0;
        while (series.find()) {
            if (series.group(1).contains("reporter=\"destination\"")) {
                sum += Double.parseDouble(series.group(2));
            }
        }
        return (long) sum;
    }
}

package dev.jmesh.benchmarks.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code java.net.http.HttpClient}, HTTP/1.1, one client shared by every load thread; blocking
 * {@code send}, or ({@code jdk-async}, a diagnostic not in the default cells)
 * {@code sendAsync(..).join()}, which hands each response over through the client's executor.
 */
final class JdkCaller implements Caller {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpRequest request;
    private final boolean async;

    JdkCaller(String url, boolean async) {
        this.request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        this.async = async;
    }

    @Override
    public int call() throws Exception {
        HttpResponse<byte[]> response = async
                ? client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).join()
                : client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode();
    }

    @Override
    public String fetchBody() throws Exception {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
    }
}

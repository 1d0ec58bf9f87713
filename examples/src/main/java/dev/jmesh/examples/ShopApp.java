package dev.jmesh.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An ordinary application. It calls its orders service by its logical name,
 * {@code http://orders/api/orders}, with the JDK's HttpClient and with OkHttp, and knows
 * nothing of where "orders" runs: without jmesh that name does not even resolve.
 *
 * <p>{@code ShopApp ROUNDS PAUSE_MS [LINGER_MS]}: each round makes one call with each client;
 * then the app stays up for LINGER_MS, as a service would.
 */
public final class ShopApp {

    private static final String ORDERS = "http://orders/api/orders";
    private static final Pattern SERVED_BY = Pattern.compile("\"served_by\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long pauseMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        long lingerMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Map<String, Integer> split = new TreeMap<>();
        int failed = 0;

        HttpClient jdk = HttpClient.newHttpClient();
        OkHttpClient okHttp = new OkHttpClient();
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder(String.format("round %3d:", round));
            try {
                HttpResponse<String> response = jdk.send(
                        HttpRequest.newBuilder(URI.create(ORDERS)).build(), HttpResponse.BodyHandlers.ofString());
                line.append("  java.net.http -> ").append(record(split, response.body()));
            } catch (Exception e) {
                failed++;
                line.append("  java.net.http FAILED: ").append(e);
            }
            try (Response response = okHttp.newCall(new Request.Builder().url(ORDERS).build()).execute()) {
                line.append("   okhttp -> ").append(record(split, response.body().string()));
            } catch (Exception e) {
                failed++;
                line.append("   okhttp FAILED: ").append(e);
            }
            System.out.println(line);
            Thread.sleep(pauseMillis);
        }
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();

        System.out.println();
        System.out.println("calls to " + ORDERS + " per endpoint, both clients:");
        split.forEach((backend, count) -> System.out.printf("  %-10s %3d  %s%n", backend, count, "#".repeat(count)));
        System.out.println("failed calls: " + failed);
        System.out.flush();
        Thread.sleep(lingerMillis);
    }

    private static String record(Map<String, Integer> split, String body) {
        Matcher m = SERVED_BY.matcher(body);
        String backend = m.find() ? m.group(1) : "?";
        split.merge(backend, 1, Integer::sum);
        return backend;
    }
}

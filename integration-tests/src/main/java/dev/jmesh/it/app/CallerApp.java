package dev.jmesh.it.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An ordinary application that knows nothing of jmesh: it calls URLs with one HTTP client and
 * prints one line per call. The integration tests run it in a real JVM, with and without the
 * agent.
 *
 * <pre>
 * CallerApp CLIENT [N*]URL... [--warmup URL] [--await-stdin] [--hold] [--method POST] [--pace MILLIS]
 *           [--threads N] [--exit-on-input] [--header NAME:VALUE]... [--no-headers]
 *   CLIENT: jdk-sync | jdk-async | jdk-virtual | okhttp-sync | okhttp-async | urlconnection | apache5
 *           | apache5-async | apache4
 *           | spring-resttemplate | spring-restclient | feign | retrofit, optionally +h2
 *   N*URL:  call URL N times (default once)
 *   --pace: wait between calls (async clients: between starting them)
 *   --threads: a blocking client makes the N calls from this many threads at once
 *   --hold: after the calls, print DONE and wait for a line on standard input before exiting
 *   --exit-on-input: call System.exit(0) when a line arrives on standard input, calls in flight
 *                    or not (print EXIT)
 *   --header: a request header for the URLs after it (JDK and OkHttp clients); {i} in the value
 *             is the call's number, 0 up; --no-headers drops them for the URLs after it
 * </pre>
 *
 * Output per call: {@code RESULT <url> <status> <body> ms=<elapsed>} or
 * {@code ERROR <url> <exception> ms=<elapsed>}.
 */
public final class CallerApp {

    private final String client;
    private final boolean http2;
    private String method = "GET";
    private long paceMillis;
    private int threads = 1;
    /** The headers of the calls being made, each {name, value}. */
    private List<String[]> headers = List.of();
    private HttpClient jdkClient;
    private OkHttpCalls okHttpCalls;

    CallerApp(String clientSpec) {
        this.http2 = clientSpec.endsWith("+h2");
        this.client = http2 ? clientSpec.substring(0, clientSpec.length() - 3) : clientSpec;
    }

    public static void main(String[] args) throws Exception {
        List<String> urls = new ArrayList<>();
        List<List<String[]>> urlHeaders = new ArrayList<>();
        List<String[]> headers = new ArrayList<>();
        String warmup = null;
        boolean awaitStdin = false;
        boolean hold = false;
        CallerApp app = new CallerApp(args[0]);
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = args[++i];
                case "--await-stdin" -> awaitStdin = true;
                case "--hold" -> hold = true;
                case "--exit-on-input" -> exitOnInput();
                case "--method" -> app.method = args[++i];
                case "--pace" -> app.paceMillis = Long.parseLong(args[++i]);
                case "--threads" -> app.threads = Integer.parseInt(args[++i]);
                case "--header" -> {
                    String header = args[++i];
                    int colon = header.indexOf(':');
                    headers.add(new String[] {header.substring(0, colon), header.substring(colon + 1)});
                }
                case "--no-headers" -> headers.clear();
                default -> {
                    urls.add(args[i]);
                    urlHeaders.add(List.copyOf(headers));
                }
            }
        }
        boolean ok = true;
        if (warmup != null) {
            ok &= app.call(warmup, 1);
        }
        if (awaitStdin) {
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        for (int u = 0; u < urls.size(); u++) {
            String entry = urls.get(u);
            app.headers = urlHeaders.get(u);
            int star = entry.indexOf('*');
            int count = star < 0 ? 1 : Integer.parseInt(entry.substring(0, star));
            ok &= app.call(entry.substring(star + 1), count);
        }
        if (hold) {
            System.out.println("DONE");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /** The JVM exits when told on standard input, as on a SIGTERM, whatever the calls are doing. */
    private static void exitOnInput() {
        Thread exit = new Thread(() -> {
            try {
                new BufferedReader(new InputStreamReader(System.in)).readLine();
            } catch (IOException e) {
                return;
            }
            System.out.println("EXIT");
            System.exit(0);
        }, "exit-on-input");
        exit.setDaemon(true);
        exit.start();
    }

    /** Makes {@code count} calls to {@code url}; true when all of them answered. */
    boolean call(String url, int count) throws Exception {
        if (threads == 1 || count == 1) {
            return callInSequence(url, count);
        }
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(pool.submit(() -> callInSequence(url, 1)));
        }
        boolean ok = true;
        for (Future<Boolean> call : calls) {
            ok &= call.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return ok;
    }

    private boolean callInSequence(String url, int count) throws Exception {
        return switch (client) {
            case "jdk-sync" -> jdkSync(url, count);
            case "jdk-async" -> jdkAsync(url, count);
            case "jdk-virtual" -> jdkVirtual(url, count);
            case "okhttp-sync" -> okHttp().okHttpSync(url, count);
            case "okhttp-async" -> okHttp().okHttpAsync(url, count);
            case "urlconnection" -> blocking(url, count, CallerApp::urlConnection);
            case "apache5" -> blocking(url, count, Apache5::call);
            case "apache5-async" -> blocking(url, count, Apache5Async::call);
            case "spring-resttemplate" -> blocking(url, count, FrameworkCalls.SpringRestTemplate::call);
            case "spring-restclient" -> blocking(url, count, FrameworkCalls.SpringRestClient::call);
            case "feign" -> blocking(url, count, FrameworkCalls.OpenFeign::call);
            case "retrofit" -> blocking(url, count, FrameworkCalls.Retrofit::call);
            case "apache4" -> blocking(url, count, Apache4::call);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
    }

    private synchronized OkHttpCalls okHttp() {
        if (okHttpCalls == null) {
            okHttpCalls = new OkHttpCalls();
        }
        return okHttpCalls;
    }

    private synchronized HttpClient jdk() {
        if (jdkClient == null) {
            jdkClient = HttpClient.newBuilder()
                    .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return jdkClient;
    }

    private boolean jdkSync(String url, int count) {
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            pace(i);
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = jdk().send(jdkRequest(url, i), HttpResponse.BodyHandlers.ofString());
                result(url, response.statusCode(), response.body(), start);
            } catch (Exception e) {
                ok = error(url, e, start);
            }
        }
        return ok;
    }

    private boolean jdkAsync(String url, int count) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pace(i);
            long start = System.nanoTime();
            calls.add(jdk().sendAsync(jdkRequest(url, i), HttpResponse.BodyHandlers.ofString())
                    .handle((response, e) -> {
                        if (e != null) {
                            error(url, e instanceof java.util.concurrent.CompletionException ? e.getCause() : e, start);
                            throw new java.util.concurrent.CompletionException(e);
                        }
                        result(url, response.statusCode(), response.body(), start);
                        return null;
                    }));
        }
        return awaitAll(calls);
    }

    /** Each call from its own virtual thread (JDK 21+), looked up reflectively to build on 17. */
    private boolean jdkVirtual(String url, int count) throws Exception {
        Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        Method isVirtual = Thread.class.getMethod("isVirtual");
        ExecutorService executor = (ExecutorService) factory.invoke(null);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            calls.add(executor.submit(() -> {
                HttpResponse<String> response = jdk().send(jdkRequest(url, 0), HttpResponse.BodyHandlers.ofString());
                result(url, response.statusCode(),
                        response.body() + " virtual=" + isVirtual.invoke(Thread.currentThread()), start);
                return true;
            }));
        }
        boolean ok = true;
        for (Future<Boolean> call : calls) {
            try {
                call.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = error(url, e, System.nanoTime());
            }
        }
        executor.shutdown();
        return ok;
    }

    private HttpRequest jdkRequest(String url, int call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        for (String[] header : headers) {
            builder.header(header[0], header[1].replace("{i}", Integer.toString(call)));
        }
        return "POST".equals(method)
                ? builder.POST(HttpRequest.BodyPublishers.ofString("order")).build()
                : builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    private void pace(int i) {
        if (paceMillis > 0 && i > 0) {
            try {
                Thread.sleep(paceMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean awaitAll(List<CompletableFuture<Void>> calls) {
        boolean ok = true;
        for (CompletableFuture<Void> call : calls) {
            try {
                call.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = false;
            }
        }
        return ok;
    }

    /** OkHttp, in a class of its own: loaded only when it is the client used (another may be alone on the class path). */
    private final class OkHttpCalls {

        private OkHttpClient okHttpClient;

        private synchronized OkHttpClient okHttp() {
            if (okHttpClient == null) {
                OkHttpClient.Builder builder = new OkHttpClient.Builder();
                if (http2) {
                    builder.protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
                }
                // A derived client, as applications often make: it must route exactly once too.
                okHttpClient = builder.build().newBuilder().build();
            }
            return okHttpClient;
        }

        private Request okHttpRequest(String url, int call) {
            Request.Builder builder = new Request.Builder().url(url);
            for (String[] header : headers) {
                builder.header(header[0], header[1].replace("{i}", Integer.toString(call)));
            }
            return "POST".equals(method)
                    ? builder.post(RequestBody.create((MediaType) null, "order")).build()
                    : builder.method(method, null).build();
        }

        private boolean okHttpSync(String url, int count) {
            boolean ok = true;
            for (int i = 0; i < count; i++) {
                pace(i);
                long start = System.nanoTime();
                try (Response response = okHttp().newCall(okHttpRequest(url, i)).execute()) {
                    result(url, response.code(), response.body().string(), start);
                } catch (Exception e) {
                    ok = error(url, e, start);
                }
            }
            return ok;
        }

        private boolean okHttpAsync(String url, int count) throws InterruptedException {
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                pace(i);
                long start = System.nanoTime();
                CompletableFuture<Void> done = new CompletableFuture<>();
                okHttp().newCall(okHttpRequest(url, i)).enqueue(new Callback() {
                    @Override
                    public void onFailure(Call call, IOException e) {
                        error(url, e, start);
                        done.completeExceptionally(e);
                    }

                    @Override
                    public void onResponse(Call call, Response response) {
                        try (response) {
                            result(url, response.code(), response.body().string(), start);
                            done.complete(null);
                        } catch (IOException e) {
                            error(url, e, start);
                            done.completeExceptionally(e);
                        }
                    }
                });
                calls.add(done);
            }
            return awaitAll(calls);
        }
    }

    /** One blocking call with a client kept in a class of its own, loaded only when it is the one used. */
    interface BlockingCall {
        String[] statusAndBody(String url, String method) throws Exception;
    }

    private boolean blocking(String url, int count, BlockingCall call) {
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            pace(i);
            long start = System.nanoTime();
            try {
                String[] answer = call.statusAndBody(url, method);
                result(url, Integer.parseInt(answer[0]), answer[1], start);
            } catch (Exception e) {
                ok = error(url, e, start);
            }
        }
        return ok;
    }

    /** {@code HttpURLConnection}, as OpenFeign's default client and Spring's simple factory use it. */
    private static String[] urlConnection(String url, String method) throws Exception {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
        if ("POST".equals(method)) {
            connection.setDoOutput(true);
            try (java.io.OutputStream body = connection.getOutputStream()) {
                body.write("order".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        int status = connection.getResponseCode();
        java.io.InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        try (body) {
            return new String[] {Integer.toString(status),
                    body == null ? "" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)};
        }
    }

    /** Apache HttpClient 5, classic API, with a response handler: its recommended use. */
    static final class Apache5 {

        private static final org.apache.hc.client5.http.impl.classic.CloseableHttpClient CLIENT =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();

        static String[] call(String url, String method) throws Exception {
            org.apache.hc.core5.http.ClassicHttpRequest request = "POST".equals(method)
                    ? new org.apache.hc.client5.http.classic.methods.HttpPost(url)
                    : new org.apache.hc.client5.http.classic.methods.HttpUriRequestBase(method, URI.create(url));
            if ("POST".equals(method)) {
                request.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("order"));
            }
            return CLIENT.execute(request, response -> new String[] {Integer.toString(response.getCode()),
                    org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity())});
        }
    }

    /** Apache HttpClient 5's async API with simple requests, each awaited (with --threads, at once). */
    static final class Apache5Async {

        private static final org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient CLIENT = start();

        private static org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient start() {
            org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client =
                    org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();
            client.start();
            return client;
        }

        static String[] call(String url, String method) throws Exception {
            org.apache.hc.client5.http.async.methods.SimpleRequestBuilder request =
                    org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.create(method).setUri(url);
            if ("POST".equals(method)) {
                request.setBody("order", org.apache.hc.core5.http.ContentType.TEXT_PLAIN);
            }
            org.apache.hc.client5.http.async.methods.SimpleHttpResponse response =
                    CLIENT.execute(request.build(), null).get(30, TimeUnit.SECONDS);
            return new String[] {Integer.toString(response.getCode()),
                    response.getBodyText() == null ? "" : response.getBodyText()};
        }
    }

    /** Apache HttpClient 4.5, with the response closed by the caller. */
    static final class Apache4 {

        private static final org.apache.http.impl.client.CloseableHttpClient CLIENT =
                org.apache.http.impl.client.HttpClients.createDefault();

        static String[] call(String url, String method) throws Exception {
            org.apache.http.client.methods.HttpRequestBase request;
            if ("POST".equals(method)) {
                org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(url);
                post.setEntity(new org.apache.http.entity.StringEntity("order"));
                request = post;
            } else {
                request = new org.apache.http.client.methods.HttpGet(url);
            }
            try (org.apache.http.client.methods.CloseableHttpResponse response = CLIENT.execute(request)) {
                return new String[] {Integer.toString(response.getStatusLine().getStatusCode()),
                        org.apache.http.util.EntityUtils.toString(response.getEntity())};
            }
        }
    }

    private static synchronized void result(String url, int status, String body, long startNanos) {
        System.out.println("RESULT " + url + " " + status + " " + body + " ms=" + elapsedMillis(startNanos));
    }

    private static synchronized boolean error(String url, Throwable e, long startNanos) {
        System.out.println("ERROR " + url + " " + String.valueOf(e).replace('\n', ' ') + " ms=" + elapsedMillis(startNanos));
        return false;
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}

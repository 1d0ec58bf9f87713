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
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An ordinary application that knows nothing of jmesh: it calls URLs with one HTTP client and
 * prints one line per call. The integration tests run it in a real JVM, with and without the
 * agent.
 *
 * <pre>
 * CallerApp CLIENT [N*]URL... [--warmup URL] [--await-stdin]
 *   CLIENT: jdk-sync | jdk-async | jdk-virtual | okhttp-sync | okhttp-async, optionally +h2
 *   N*URL:  call URL N times (default once)
 * </pre>
 *
 * Output: {@code RESULT <url> <status> <body>} or {@code ERROR <url> <exception>} per call.
 */
public final class CallerApp {

    private final String client;
    private final boolean http2;
    private HttpClient jdkClient;
    private OkHttpClient okHttpClient;

    CallerApp(String clientSpec) {
        this.http2 = clientSpec.endsWith("+h2");
        this.client = http2 ? clientSpec.substring(0, clientSpec.length() - 3) : clientSpec;
    }

    public static void main(String[] args) throws Exception {
        List<String> urls = new ArrayList<>();
        String warmup = null;
        boolean awaitStdin = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = args[++i];
                case "--await-stdin" -> awaitStdin = true;
                default -> urls.add(args[i]);
            }
        }
        CallerApp app = new CallerApp(args[0]);
        boolean ok = true;
        if (warmup != null) {
            ok &= app.call(warmup, 1);
        }
        if (awaitStdin) {
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        for (String entry : urls) {
            int star = entry.indexOf('*');
            int count = star < 0 ? 1 : Integer.parseInt(entry.substring(0, star));
            ok &= app.call(entry.substring(star + 1), count);
        }
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /** Makes {@code count} calls to {@code url}; true when all of them answered. */
    boolean call(String url, int count) throws Exception {
        return switch (client) {
            case "jdk-sync" -> jdkSync(url, count);
            case "jdk-async" -> jdkAsync(url, count);
            case "jdk-virtual" -> jdkVirtual(url, count);
            case "okhttp-sync" -> okHttpSync(url, count);
            case "okhttp-async" -> okHttpAsync(url, count);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
    }

    private synchronized HttpClient jdk() {
        if (jdkClient == null) {
            jdkClient = HttpClient.newBuilder()
                    .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return jdkClient;
    }

    private OkHttpClient okHttp() {
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

    private boolean jdkSync(String url, int count) {
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            try {
                HttpResponse<String> response = jdk().send(jdkRequest(url), HttpResponse.BodyHandlers.ofString());
                result(url, response.statusCode(), response.body());
            } catch (Exception e) {
                ok = error(url, e);
            }
        }
        return ok;
    }

    private boolean jdkAsync(String url, int count) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(jdk().sendAsync(jdkRequest(url), HttpResponse.BodyHandlers.ofString()));
        }
        boolean ok = true;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            try {
                HttpResponse<String> response = call.get(30, TimeUnit.SECONDS);
                result(url, response.statusCode(), response.body());
            } catch (Exception e) {
                ok = error(url, e);
            }
        }
        return ok;
    }

    /** Each call from its own virtual thread (JDK 21+), looked up reflectively to build on 17. */
    private boolean jdkVirtual(String url, int count) throws Exception {
        Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        Method isVirtual = Thread.class.getMethod("isVirtual");
        ExecutorService executor = (ExecutorService) factory.invoke(null);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(executor.submit(() -> {
                HttpResponse<String> response = jdk().send(jdkRequest(url), HttpResponse.BodyHandlers.ofString());
                result(url, response.statusCode(),
                        response.body() + " virtual=" + isVirtual.invoke(Thread.currentThread()));
                return true;
            }));
        }
        boolean ok = true;
        for (Future<Boolean> call : calls) {
            try {
                call.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = error(url, e);
            }
        }
        executor.shutdown();
        return ok;
    }

    private static HttpRequest jdkRequest(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET().build();
    }

    private boolean okHttpSync(String url, int count) {
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            try (Response response = okHttp().newCall(new Request.Builder().url(url).build()).execute()) {
                result(url, response.code(), response.body().string());
            } catch (Exception e) {
                ok = error(url, e);
            }
        }
        return ok;
    }

    private boolean okHttpAsync(String url, int count) throws InterruptedException {
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<String> done = new CompletableFuture<>();
            okHttp().newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    done.completeExceptionally(e);
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        result(url, response.code(), response.body().string());
                        done.complete("");
                    } catch (IOException e) {
                        done.completeExceptionally(e);
                    }
                }
            });
            calls.add(done);
        }
        boolean ok = true;
        for (CompletableFuture<String> call : calls) {
            try {
                call.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = error(url, e);
            }
        }
        return ok;
    }

    private static synchronized void result(String url, int status, String body) {
        System.out.println("RESULT " + url + " " + status + " " + body);
    }

    private static synchronized boolean error(String url, Exception e) {
        System.out.println("ERROR " + url + " " + e);
        return false;
    }
}

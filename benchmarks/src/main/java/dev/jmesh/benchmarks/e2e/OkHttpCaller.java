package dev.jmesh.benchmarks.e2e;

import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp 4, one client shared by every load thread. Its pool keeps more idle connections than
 * there are threads (the default keeps 5), so no setup pays for reconnects.
 */
final class OkHttpCaller implements Caller {

    private final OkHttpClient client;
    private final Request request;

    OkHttpCaller(String url, int concurrency) {
        this.client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(Math.max(5, 2 * concurrency), 5, TimeUnit.MINUTES))
                .build();
        this.request = new Request.Builder().url(url).get().build();
    }

    @Override
    public int call() throws Exception {
        try (Response response = client.newCall(request).execute()) {
            response.body().bytes();
            return response.code();
        }
    }

    @Override
    public String fetchBody() throws Exception {
        try (Response response = client.newCall(request).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}

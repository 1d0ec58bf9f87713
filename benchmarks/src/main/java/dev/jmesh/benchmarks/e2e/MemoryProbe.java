package dev.jmesh.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The small app of the memory measurement: it calls each URL given once with a JDK
 * {@code HttpClient} and once with an {@code OkHttpClient} (so both clients and, with the
 * agent, their routed paths are loaded and used), keeps both clients, then runs
 * {@code System.gc()} a few times and prints what it holds:
 *
 * <pre>MEMORY-RESULT heap_used_kb=.. nonheap_used_kb=.. rss_kb=.. classes=.. calls=..</pre>
 * Heap is {@code MemoryMXBean} heap usage after the collections, non-heap the same bean's
 * (metaspace, code cache), RSS {@code VmRSS} from {@code /proc/self/status}.
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static void main(String[] urls) throws Exception {
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        OkHttpClient okhttp = new OkHttpClient();
        int calls = 0;
        for (String url : urls) {
            HttpResponse<String> a = jdk.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            check("jdk", url, a.statusCode());
            try (Response b = okhttp.newCall(new Request.Builder().url(url).build()).execute()) {
                b.body().string();
                check("okhttp", url, b.code());
            }
            calls += 2;
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long heap = memory.getHeapMemoryUsage().getUsed();
        long nonHeap = memory.getNonHeapMemoryUsage().getUsed();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.println("MEMORY-RESULT heap_used_kb=" + heap / 1024 + " nonheap_used_kb=" + nonHeap / 1024
                + " rss_kb=" + FirstCallsProbe.status("VmRSS:") + " classes=" + classes + " calls=" + calls);
        // Both clients stay reachable up to here, as in an app that keeps them.
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        Reference.reachabilityFence(jdk);
    }

    private static void check(String client, String url, int status) {
        if (status != 200) {
            System.err.println("memory-probe: " + client + " " + url + " answered " + status);
            System.exit(2);
        }
    }
}

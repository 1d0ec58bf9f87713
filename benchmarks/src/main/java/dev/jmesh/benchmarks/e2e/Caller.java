package dev.jmesh.benchmarks.e2e;

/** One HTTP client library making one blocking GET; the app code the harness measures. */
interface Caller extends AutoCloseable {

    /** Sends the request, reads the whole body, and returns the status. */
    int call() throws Exception;

    /** The body of one call, for the sanity check before measuring. */
    String fetchBody() throws Exception;

    @Override
    default void close() {
    }

    static Caller of(String client, String url, int concurrency) {
        return switch (client) {
            case "jdk" -> new JdkCaller(url, false);
            case "jdk-async" -> new JdkCaller(url, true);
            case "okhttp" -> new OkHttpCaller(url, concurrency);
            default -> throw new IllegalArgumentException("unknown client '" + client + "' (jdk, jdk-async, okhttp)");
        };
    }
}

package dev.jmesh.it;

/**
 * Every client library and version jmesh supports, as {@code CallerApp} drives it: the
 * conformance suite runs each test against each of them. Supporting another client is one
 * instrumentation module and one line here.
 */
enum Client {
    JDK_SYNC("jdk-sync"),
    JDK_ASYNC("jdk-async"),
    URL_CONNECTION("urlconnection"),
    OKHTTP_3_12("okhttp-sync", "okhttp312"),
    OKHTTP_3_14("okhttp-async", "okhttp3"),
    OKHTTP_4_12("okhttp-sync", "okhttp4"),
    OKHTTP_4_12_ASYNC("okhttp-async", "okhttp4"),
    OKHTTP_5_3("okhttp-sync", "okhttp5"),
    OKHTTP_5_5("okhttp-async", "okhttp55"),
    APACHE_HTTPCLIENT_5_4("apache5", "httpclient54"),
    APACHE_HTTPCLIENT_5_6("apache5", "httpclient56"),
    APACHE_HTTPCLIENT_5_6_ASYNC("apache5-async", "httpclient56"),
    APACHE_HTTPCLIENT_4_5("apache4", "httpclient4"),
    // Frameworks, on the client each picks by default.
    SPRING_REST_TEMPLATE("spring-resttemplate", "spring"),
    SPRING_REST_CLIENT_ON_APACHE_5("spring-restclient", "spring", "httpclient56"),
    OPENFEIGN("feign", "feign"),
    RETROFIT_ON_OKHTTP_3("retrofit", "retrofit", "okhttp3");

    /** CallerApp's first argument. */
    final String mode;
    /** The sets of jars under {@code target/libs} the application runs with. */
    private final String[] libs;

    Client(String mode, String... libs) {
        this.mode = mode;
        this.libs = libs;
    }

    /**
     * Whether the calls go through the JDK's own HTTP stack ({@code HttpClient} or
     * {@code HttpURLConnection}, which Spring's RestTemplate and Feign use by default): its
     * internals, and so the agent's hooks into them, differ between JDK 17 and 25. The other
     * clients run the same library bytecode on both.
     */
    boolean onTheJdksOwnHttp() {
        return this == JDK_SYNC || this == JDK_ASYNC || this == URL_CONNECTION || this == SPRING_REST_TEMPLATE
                || this == OPENFEIGN;
    }

    /** The application's class path. */
    String classPath() {
        return AppJvm.classPath(libs);
    }
}

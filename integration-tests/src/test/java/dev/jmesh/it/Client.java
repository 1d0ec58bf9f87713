package dev.jmesh.it;

/**
 * Every client library and version jmesh supports, as {@code CallerApp} drives it: the
 * conformance suite runs each test against each of them. Supporting another client is one
 * instrumentation module and one line here.
 */
enum Client {
    JDK_SYNC("jdk-sync", "okhttp4"),
    JDK_ASYNC("jdk-async", "okhttp4"),
    URL_CONNECTION("urlconnection", null),
    OKHTTP_3_12("okhttp-sync", "okhttp312"),
    OKHTTP_3_14("okhttp-async", "okhttp3"),
    OKHTTP_4_12("okhttp-sync", "okhttp4"),
    OKHTTP_4_12_ASYNC("okhttp-async", "okhttp4"),
    OKHTTP_5_3("okhttp-sync", "okhttp5"),
    OKHTTP_5_5("okhttp-async", "okhttp55"),
    APACHE_HTTPCLIENT_5_4("apache5", "httpclient54"),
    APACHE_HTTPCLIENT_5_6("apache5", "httpclient56"),
    APACHE_HTTPCLIENT_4_5("apache4", "httpclient4");

    /** CallerApp's first argument. */
    final String mode;
    /** The set of jars under {@code target/libs} the application runs with, if any. */
    private final String libs;

    Client(String mode, String libs) {
        this.mode = mode;
        this.libs = libs;
    }

    /** The application's class path. */
    String classPath() {
        return libs == null ? AppJvm.classPath() : AppJvm.classPath(libs);
    }
}

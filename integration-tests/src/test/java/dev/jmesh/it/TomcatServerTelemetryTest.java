package dev.jmesh.it;

import java.net.http.HttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Embedded Tomcat 11, from its own jars on the application's class path; asynchronous servlets and HTTP/2 too. */
class TomcatServerTelemetryTest extends ServedRequestsConformance {

    @Override
    String server() {
        return "tomcat";
    }

    @Override
    String classPath() {
        return AppJvm.classPath("tomcat");
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void anAsynchronousServletsRequestsAreCountedWhenTheyComplete(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, server(), classPath(), HttpClient.Version.HTTP_1_1, "/async");
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void http2RequestsAreCountedOnceEach(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, server(), classPath(), HttpClient.Version.HTTP_2, "");
    }
}

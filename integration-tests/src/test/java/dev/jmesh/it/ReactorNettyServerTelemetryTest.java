package dev.jmesh.it;

import java.net.http.HttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reactor Netty's HTTP server (Spring WebFlux's), on Netty 4.2; HTTP/2 too. */
class ReactorNettyServerTelemetryTest extends ServedRequestsConformance {

    @Override
    String server() {
        return "reactor-netty";
    }

    @Override
    String classPath() {
        return AppJvm.classPath("netty", "reactor-netty");
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void http2RequestsAreCountedOnceEach(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, server(), classPath(), HttpClient.Version.HTTP_2, "");
    }
}

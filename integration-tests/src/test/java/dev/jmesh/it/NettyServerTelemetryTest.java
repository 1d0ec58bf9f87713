package dev.jmesh.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A bare Netty server's requests (HTTP/1.1) and Reactor Netty's, Spring WebFlux's (HTTP/1.1 and HTTP/2), reported by the destination. */
class NettyServerTelemetryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void nettyRequestsAreReportedWithTheirBodyBytes(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, "netty", false, "");
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void reactorNettyRequestsAreReportedWithTheirBodyBytes(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, "reactor-netty", true, "");
    }
}

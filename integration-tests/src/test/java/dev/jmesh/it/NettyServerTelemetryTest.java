package dev.jmesh.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A bare Netty server's and Reactor Netty's (Spring WebFlux's) requests, reported by the destination. */
class NettyServerTelemetryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void nettyRequestsAreReportedWithTheirBodyBytes(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, "netty", "");
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void reactorNettyRequestsAreReportedWithTheirBodyBytes(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, "reactor-netty", "");
    }
}

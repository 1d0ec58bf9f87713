package dev.jmesh.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Embedded Tomcat's requests, synchronous and asynchronous servlets, HTTP/1.1 and HTTP/2, reported by the destination. */
class TomcatServerTelemetryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void tomcatRequestsAreReportedWithTheirBodyBytes(Jdk jdk) throws Exception {
        ServedTraffic.assertServedAndReported(jdk, dir, "tomcat", true, "", "/async");
    }
}

package dev.jmesh.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.HealthCheckPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    @Test
    void probesTakeFailingEndpointsOutOfRotationAndBringThemBack() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        HttpServer flaky = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        flaky.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        HttpServer healthy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        healthy.createContext("/healthz", exchange -> {
            assertEquals("orders", exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        flaky.start();
        healthy.start();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Endpoint flakyEndpoint = new Endpoint(flaky.getAddress(), 1, null, 0);
        Endpoint healthyEndpoint = new Endpoint(healthy.getAddress(), 1, null, 0);
        Endpoint deadEndpoint = new Endpoint(new InetSocketAddress("127.0.0.1", deadPort), 1, null, 0);
        AtomicInteger changes = new AtomicInteger();
        // An interval of an hour: the test drives the probes itself.
        HealthChecker checker = new HealthChecker(new HealthCheckPolicy("/healthz", Duration.ofHours(1), Duration.ofSeconds(1)),
                List.of(flakyEndpoint, healthyEndpoint, deadEndpoint), "orders", changes::incrementAndGet, new FakeClock());
        try {
            checker.probeAll();
            assertTrue(flakyEndpoint.health().failingChecks());
            assertFalse(healthyEndpoint.health().failingChecks());
            assertTrue(deadEndpoint.health().failingChecks());
            assertEquals(1, changes.get());

            checker.probeAll();
            assertEquals(1, changes.get(), "no change, no rebuild");

            status.set(200);
            checker.probeAll();
            assertFalse(flakyEndpoint.health().failingChecks());
            assertTrue(flakyEndpoint.health().inRotation());
            assertEquals(2, changes.get());
        } finally {
            checker.close();
            flaky.stop(0);
            healthy.stop(0);
        }
    }
}

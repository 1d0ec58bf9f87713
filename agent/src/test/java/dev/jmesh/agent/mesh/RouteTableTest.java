package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.ConfigParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    final FakeClock clock = new FakeClock();

    static final String POLICY = """
            services:
              orders:
                endpoints: [ 10.0.1.5:8080, "[::1]:9090" ]
            """;

    @Test
    void findsServicesByNameIgnoringCaseAndATrailingDot() throws Exception {
        RouteTable table = RouteTable.of(ConfigParser.parse(POLICY, "test").orThrow(), new MeshMetrics(null), clock);
        assertNotNull(table.service("orders"));
        assertSame(table.service("orders"), table.service("ORDERS"));
        assertSame(table.service("orders"), table.service("orders."));
        assertNull(table.service("payments"));
        assertNull(RouteTable.EMPTY.service("orders"));
    }

    @Test
    void routerPicksResolvedEndpointsAndPassesUnknownHosts() throws Exception {
        MeshRouter router = new MeshRouter(RouteTable.of(ConfigParser.parse(POLICY, "test").orThrow(), new MeshMetrics(null), clock));
        InetSocketAddress first = router.pickHttpEndpoint("orders");
        InetSocketAddress second = router.pickHttpEndpoint("orders");
        assertEquals(new InetSocketAddress("10.0.1.5", 8080), first);
        assertEquals(9090, second.getPort());
        assertEquals(false, first.isUnresolved());
        assertNull(router.pickHttpEndpoint("example.com"));
    }

    @Test
    void aPublishedTableKeepsUnchangedServicesAndTheirState() throws Exception {
        MeshMetrics metrics = new MeshMetrics(null);
        RouteTable first = RouteTable.of(ConfigParser.parse("""
                services:
                  orders: { endpoints: [ 10.0.1.5:8080 ], outlierDetection: {} }
                  users: { endpoints: [ 10.0.1.6:8080 ] }
                """, "v1").orThrow(), metrics, clock);
        MeshRouter router = new MeshRouter(first);
        Service orders = router.table().service("orders");
        RouteTable second = RouteTable.of(ConfigParser.parse("""
                services:
                  orders: { endpoints: [ 10.0.1.5:8080 ], outlierDetection: {} }
                  users: { endpoints: [ 10.0.1.7:8080 ] }
                """, "v2").orThrow(), metrics, router.table());
        router.publish(second);
        assertSame(second, router.table());
        assertSame(orders, router.table().service("orders"), "unchanged: the same service, ejections and all");
        assertEquals(new InetSocketAddress("10.0.1.7", 8080), router.pickHttpEndpoint("users"));
        // A call that took the old users service before the swap still finishes with it.
        assertEquals(new InetSocketAddress("10.0.1.6", 8080), first.service("users").endpoints().get(0).address());
    }

    @Test
    void anEjectedEndpointStaysEjectedAcrossAChangeOfItsServiceAndReturnsOnTime() throws Exception {
        MeshMetrics metrics = new MeshMetrics(null);
        String outliers = "outlierDetection: { consecutiveErrors: 1, baseEjectionTime: 300ms, maxEjectionPercent: 50 }";
        MeshRouter router = new MeshRouter(RouteTable.of(ConfigParser.parse("services:\n  orders: { endpoints: [ "
                + "10.0.1.5:8080, 10.0.1.6:8080 ], " + outliers + " }\n", "v1").orThrow(), metrics, clock));
        Service before = router.table().service("orders");
        dev.jmesh.agent.routing.Endpoint bad = before.endpoints().get(0);
        before.outliers().onError(bad);
        assertEquals(true, bad.health().ejected());

        router.publish(RouteTable.of(ConfigParser.parse("services:\n  orders: { endpoints: [ "
                + "10.0.1.5:8080, 10.0.1.6:8080, 10.0.1.7:8080 ], " + outliers + " }\n", "v2").orThrow(), metrics,
                router.table()));
        Service after = router.table().service("orders");
        assertNotSame(before, after);
        assertSame(bad, after.endpoints().get(0), "the endpoint that stayed keeps its state");
        assertEquals(1, after.outliers().ejectedCount());
        for (int i = 0; i < 50; i++) {
            assertNotSame(bad, after.pick(i), "still out of rotation");
        }
        before.outliers().onError(before.endpoints().get(1)); // a late error on the replaced service ejects nothing
        assertEquals(false, before.endpoints().get(1).health().ejected());

        clock.advance(Duration.ofMillis(299));
        assertEquals(true, bad.health().ejected(), "300 ms of ejection are not up yet");
        clock.advance(Duration.ofMillis(1));
        boolean back = false;
        for (int i = 0; i < 30 && !back; i++) {
            back = after.pick(i) == bad;
        }
        assertEquals(true, back, "back in the new table's rotation when its ejection time was up");
    }
}

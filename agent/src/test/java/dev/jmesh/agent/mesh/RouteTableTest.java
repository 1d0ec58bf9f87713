package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jmesh.agent.config.ConfigParser;
import dev.jmesh.agent.metrics.MeshMetrics;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    static final String POLICY = """
            services:
              orders:
                endpoints: [ 10.0.1.5:8080, "[::1]:9090" ]
            """;

    @Test
    void findsServicesByNameIgnoringCaseAndATrailingDot() throws Exception {
        RouteTable table = RouteTable.of(ConfigParser.parse(POLICY, "test").orThrow(), new MeshMetrics(null));
        assertNotNull(table.service("orders"));
        assertSame(table.service("orders"), table.service("ORDERS"));
        assertSame(table.service("orders"), table.service("orders."));
        assertNull(table.service("payments"));
        assertNull(RouteTable.EMPTY.service("orders"));
    }

    @Test
    void routerPicksResolvedEndpointsAndPassesUnknownHosts() throws Exception {
        MeshRouter router = new MeshRouter(RouteTable.of(ConfigParser.parse(POLICY, "test").orThrow(), new MeshMetrics(null)));
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
                """, "v1").orThrow(), metrics);
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
}

package dev.jmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PrometheusText;
import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.bootstrap.TcpConnect;
import dev.jmesh.policy.ConfigParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mesh's side of opening tcp connections: which endpoints, how long, and what is counted. */
class MeshTcpConnectTest {

    final FakeClock clock = new FakeClock();

    private static final InetSocketAddress A = new InetSocketAddress("10.0.2.1", 5432);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.2.2", 5432);
    private static final InetSocketAddress C = new InetSocketAddress("10.0.2.3", 5433);

    private final List<RouteTable> tables = new ArrayList<>();
    private final MeshMetrics metrics = new MeshMetrics(null);

    @AfterEach
    void close() {
        tables.forEach(RouteTable::close);
    }

    /** What {@code new InetSocketAddress(host, 5432)} gives when the host does not resolve. */
    private static InetSocketAddress name(String host) {
        return InetSocketAddress.createUnresolved(host, 5432);
    }

    private MeshRouter router(String serviceBody) throws Exception {
        return routerFor("""
                services:
                  web:
                    endpoints: [ 10.0.1.1:80 ]
                  db:
                    protocol: tcp
                    endpoints: [ 10.0.2.1:5432, 10.0.2.2:5432, 10.0.2.3:5433 ]
                """ + serviceBody);
    }

    /** Two endpoints, where least-request's two random choices are always both of them. */
    private MeshRouter leastRequestPair() throws Exception {
        return routerFor("""
                services:
                  db:
                    protocol: tcp
                    endpoints: [ 10.0.2.1:5432, 10.0.2.2:5432 ]
                    balancer: least-request
                """);
    }

    private MeshRouter routerFor(String policy) throws Exception {
        RouteTable table = RouteTable.of(ConfigParser.parse(policy, "test").orThrow(), metrics, clock);
        tables.add(table);
        return new MeshRouter(table);
    }

    @Test
    void aTcpNameResolvesToItsOwnUnreachableAddressAndOnlyTcpNamesDo() throws Exception {
        MeshRouter router = router("");
        InetAddress[] addresses = router.resolveName("db");
        assertEquals(1, addresses.length);
        assertEquals("db", addresses[0].getHostName());
        assertTrue(addresses[0].isMulticastAddress(), "TCP cannot reach it: " + addresses[0]);
        addresses[0] = null;
        assertEquals("db", router.resolveName("DB.")[0].getHostName(), "callers get their own array");
        assertEquals(router.resolveName("db")[0], leastRequestPair().resolveName("db")[0],
                "the same address in every table: libraries cache lookups");

        assertNull(router.resolveName("web"), "http services are routed per request, not by name lookups");
        assertNull(router.beginTcpConnect(name("web"), 0, true));
        assertNull(router.beginHttpCall("db", "GET", "/", null), "tcp services are routed per connection");
        assertNull(router.resolveName("example.com"));
    }

    /** An application's own https:// to a service whose endpoints speak TLS: balanced per connection, its TLS left alone. */
    @Test
    void anHttpServiceWhoseEndpointsSpeakTlsIsRoutedPerConnectionWithoutTheMeshsTls() throws Exception {
        MeshRouter router = routerFor("""
                services:
                  api.payments.test:
                    endpoints: [ 10.0.3.1:443, 10.0.3.2:443 ]
                    balancer: round-robin
                    tls: { mode: simple }
                """);
        InetAddress resolved = router.resolveName("api.payments.test")[0];
        assertTrue(resolved.isMulticastAddress(), resolved.toString());
        Set<InetSocketAddress> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            TcpConnect connect = router.beginTcpConnect(new InetSocketAddress(resolved, 443), 0, false);
            assertNull(connect.tls(), "the application's TLS is the connection's: the mesh adds none");
            seen.add(connect.nextEndpoint());
            connect.connected(new Object());
        }
        assertEquals(Set.of(new InetSocketAddress("10.0.3.1", 443), new InetSocketAddress("10.0.3.2", 443)), seen);
        String text = PrometheusText.write(metrics, List.of(), "test");
        assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_tcp_connections_opened_total{")
                && l.contains("destination_service=\"api.payments.test\"") && l.endsWith(" 2")), text);
        // The mesh's own TLS to a chosen endpoint (a plaintext http:// call routed per request) stays.
        assertNotNull(router.beginTcpConnect(new InetSocketAddress("10.0.3.1", 443), 0, true).tls());
    }

    @Test
    void aConnectTheMeshDoesNotDriveGoesToAnEndpointWithItsPort() throws Exception {
        MeshRouter router = router("");
        InetAddress resolved = router.resolveName("db")[0];
        Set<InetSocketAddress> endpoints = Set.of(A, B, C);
        // By name (an unresolved address), by the name's address, and by that address alone.
        for (InetSocketAddress target : List.of(InetSocketAddress.createUnresolved("db", 6379),
                new InetSocketAddress(resolved, 6379),
                new InetSocketAddress(InetAddress.getByAddress(resolved.getAddress()), 6379))) {
            InetSocketAddress endpoint = router.serviceEndpoint(target, true);
            assertTrue(endpoints.contains(endpoint), target + " went to " + endpoint);
        }
        assertNull(router.serviceEndpoint(name("db"), false), "http services only");
        assertEquals(new InetSocketAddress("10.0.1.1", 80), router.serviceEndpoint(name("web"), false));
        assertNull(router.serviceEndpoint(new InetSocketAddress(A.getAddress(), 6379), true),
                "an endpoint's host is not the service");
        assertNull(router.serviceEndpoint(name("example.com"), true));
    }

    @Test
    void eachAttemptGoesToAnotherEndpointUpToTheAttemptsAllowed() throws Exception {
        TcpConnect connect = router("    retries: { attempts: 3 }\n").beginTcpConnect(name("db"), 0, true);
        List<InetSocketAddress> tried = new ArrayList<>();
        for (InetSocketAddress e; (e = connect.nextEndpoint()) != null; ) {
            tried.add(e);
            connect.failed(new ConnectException("Connection refused"));
        }
        assertEquals(3, tried.size());
        assertEquals(3, tried.stream().distinct().count(), "no endpoint twice: " + tried);

        IOException error = connect.exhausted();
        assertInstanceOf(ConnectException.class, error);
        assertTrue(error.getMessage().startsWith("jmesh: db: no endpoint accepted the connection after 3 attempt(s): "),
                error.getMessage());
        assertTrue(error.getMessage().contains("10.0.2.3:5433 (Connection refused)"), error.getMessage());
    }

    @Test
    void neverMoreAttemptsThanEndpoints() throws Exception {
        TcpConnect connect = router("    retries: { attempts: 5 }\n").beginTcpConnect(name("db"), 0, true);
        int attempts = 0;
        while (connect.nextEndpoint() != null) {
            attempts++;
            connect.failed(new ConnectException("Connection refused"));
        }
        assertEquals(3, attempts);
    }

    @Test
    void aFailOverWalksOnFromTheFailedEndpointSoRoundRobinStaysFair() throws Exception {
        MeshRouter router = router("");
        // Round-robin starts each connection where the last one started, plus one.
        List<InetSocketAddress> firstChoices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TcpConnect connect = router.beginTcpConnect(name("db"), 0, true);
            InetSocketAddress first = connect.nextEndpoint();
            firstChoices.add(first);
            connect.failed(new ConnectException("Connection refused"));
            assertNotEquals(first, connect.nextEndpoint());
        }
        assertEquals(3, firstChoices.stream().distinct().count(), "the retries did not consume round-robin turns");
    }

    @Test
    void attemptsAreBoundedByTheCallerThePolicyAndPerTryOrByDefault() throws Exception {
        assertEquals(1000, router("").beginTcpConnect(name("db"), 0, true).attemptTimeoutMillis(),
                "no bound anywhere: the failover bound, 1 s before any connect was seen");
        TcpConnect last = router("    retries: { attempts: 1 }\n").beginTcpConnect(name("db"), 0, true);
        last.nextEndpoint();
        int defaultBound = last.attemptTimeoutMillis();
        assertTrue(defaultBound > 9_900 && defaultBound <= 10_000, "no attempt left: the default connect timeout, "
                + defaultBound);
        assertEquals(300, router("    retries: { perTryTimeout: 300ms }\n").beginTcpConnect(name("db"), 0, true).attemptTimeoutMillis());
        assertEquals(300, router("    retries: { perTryTimeout: 300ms }\n").beginTcpConnect(name("db"), 5000, true).attemptTimeoutMillis());
        int callerBound = router("").beginTcpConnect(name("db"), 1000, true).attemptTimeoutMillis();
        assertTrue(callerBound > 900 && callerBound <= 1000, "caller's timeout: " + callerBound);
        int policyBound = router("    timeout: 200ms\n").beginTcpConnect(name("db"), 1000, true).attemptTimeoutMillis();
        assertTrue(policyBound > 100 && policyBound <= 200, "the tighter of the caller's and the policy's: " + policyBound);
    }

    @Test
    void noAttemptStartsAfterTheDeadlineAndTheCallerGetsATimeout() throws Exception {
        TcpConnect connect = router("    timeout: 1ms\n").beginTcpConnect(name("db"), 0, true);
        InetSocketAddress first = connect.nextEndpoint();
        clock.advance(java.time.Duration.ofMillis(2)); // past the 1 ms deadline
        connect.failed(new SocketTimeoutException("Connect timed out"));
        assertNull(connect.nextEndpoint());
        IOException error = connect.exhausted();
        assertInstanceOf(SocketTimeoutException.class, error);
        assertTrue(error.getMessage().contains("connect timed out after 1 attempt(s): " + first.getAddress().getHostAddress()),
                error.getMessage());
    }

    @Test
    void leastRequestCountsOpenConnectionsUntilTheyClose() throws Exception {
        MeshRouter router = leastRequestPair();
        Object[] sockets = {new Object(), new Object(), new Object(), new Object()};
        List<InetSocketAddress> chosen = new ArrayList<>();
        for (Object socket : sockets) {
            TcpConnect connect = router.beginTcpConnect(name("db"), 0, true);
            chosen.add(connect.nextEndpoint());
            connect.connected(socket);
        }
        assertNotEquals(chosen.get(0), chosen.get(1), "each new connection goes where fewer are open: " + chosen);
        assertNotEquals(chosen.get(2), chosen.get(3), "each new connection goes where fewer are open: " + chosen);
        Service db = router.table().service("db");
        assertEquals(4, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());

        router.tcpClosed(sockets[1]);
        router.tcpClosed(sockets[1]); // a second close is not a second connection
        router.tcpClosed(new Object()); // nor is a close of a socket the mesh did not open
        assertEquals(3, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());
        assertEquals(chosen.get(1), router.beginTcpConnect(name("db"), 0, true).nextEndpoint(), "the endpoint with fewer open");
    }

    @Test
    void aNonBlockingConnectCountsWhenItFinishes() throws Exception {
        MeshRouter router = leastRequestPair();
        Service db = router.table().service("db");
        Object channel = new Object();
        TcpConnect connect = router.beginTcpConnect(name("db"), 0, true);
        connect.nextEndpoint();
        connect.pending(channel);
        assertEquals(0, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());

        router.tcpConnectFinished(channel, null);
        router.tcpConnectFinished(channel, null); // reported once only
        assertEquals(1, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());
        router.tcpClosed(channel);
        assertEquals(0, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());

        Object failing = new Object();
        TcpConnect second = router.beginTcpConnect(name("db"), 0, true);
        second.nextEndpoint();
        second.pending(failing);
        router.tcpConnectFinished(failing, new ConnectException("Connection refused"));
        assertEquals(1, db.endpoints().stream().mapToLong(e -> e.stats().failures()).sum());
        assertEquals(0, db.endpoints().stream().mapToInt(e -> e.load().active()).sum());
    }

    @Test
    void theAgentsOwnThreadsAreNeverRouted() throws Exception {
        MeshRouter router = router("");
        Object[] seen = new Object[2];
        Thread link = new Thread(() -> {
            seen[0] = router.resolveName("db");
            seen[1] = router.beginTcpConnect(name("db"), 0, true);
        }, "jmesh-control-link");
        link.start();
        link.join();
        assertNull(seen[0]);
        assertNull(seen[1]);
    }

    @Test
    void aConnectToOneEndpointOfASecuredServiceGetsItsTlsAndCountsNothing() throws Exception {
        RouteTable table = RouteTable.initial(ConfigParser.parse("""
                workload: shop
                identity: { trustDomain: example.org, certificate: c.pem, key: k.pem, trustBundle: b.pem }
                services:
                  orders:
                    endpoints: [ 10.0.1.1:8080, 10.0.1.2:8080 ]
                    tls: { mode: mutual, serverIdentity: "spiffe://example.org/ns/default/sa/orders" }
                """, "test").orThrow(), new MeshMetrics(null), new MeshSecurity(null, null, "its files are not loaded in this test", null), clock);
        tables.add(table);
        MeshRouter router = new MeshRouter(table);
        InetSocketAddress second = new InetSocketAddress("10.0.1.2", 8080);

        TcpConnect connect = router.beginTcpConnect(second, 0, true);
        assertEquals(second, connect.nextEndpoint(), "the endpoint the client was given, not a balanced one");
        assertNull(connect.nextEndpoint(), "one attempt");
        assertTrue(connect.tls() != null);
        connect.connected(new Object());
        Service orders = table.service("orders");
        assertEquals(0, orders.endpoints().stream().mapToInt(e -> e.load().active()).sum(),
                "the HTTP call through it counts the request, once");
        IllegalStateException failClosed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> connect.tls().context());
        assertTrue(failClosed.getMessage().contains("identity is not available: its files are not loaded in this test"));
        assertNull(router.beginTcpConnect(new InetSocketAddress("10.0.1.3", 8080), 0, true), "not an endpoint of it");
        assertNull(router.beginTcpConnect(second, 0, false), "a channel is left alone: the JDK client runs its own TLS");
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.inbound.InboundPorts;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.serving.Serving;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Router;
import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.bootstrap.TcpConnect;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.policy.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The mesh core as instrumented code sees it: lookups in the route table. HTTP services are
 * routed per request, tcp services per connection; each kind ignores the other's names. A new
 * table (a pushed snapshot) is published with one volatile write; a call that already holds a
 * {@link Service} finishes with it. Each call reads the table once.
 */
public final class MeshRouter implements Router {

    private volatile RouteTable table;
    private final InboundPorts inbound;
    private final TcpConnections connections = new TcpConnections();
    /** Records what the application's servers serve; null: nothing is recorded. */
    private final Serving serving;

    /** A router without an inbound policy, recording no served requests. */
    public MeshRouter(RouteTable table) {
        this(table, InboundPorts.NONE, null);
    }

    public MeshRouter(RouteTable table, InboundPorts inbound, Serving serving) {
        this.table = table;
        this.inbound = inbound;
        this.serving = serving;
    }

    public RouteTable table() {
        return table;
    }

    /** HTTP calls admitted and not yet ended, over every service of the current table. */
    public int callsInFlight() {
        int calls = 0;
        for (Service service : table.services()) {
            calls += service.breaker().active();
        }
        return calls;
    }

    /** The inbound port stops accepting; connections already accepted go on. */
    public void stopAcceptingInbound() {
        inbound.stopAccepting();
    }

    /**
     * Makes {@code next} the table calls use, then stops the timers of the services of the old
     * table that {@code next} does not carry over. Called from one thread at a time.
     */
    public void publish(RouteTable next) {
        RouteTable previous = table;
        table = next;
        previous.closeExcept(next);
    }

    @Override
    public InetSocketAddress pickHttpEndpoint(String host) {
        Service service = service(table, host, Protocol.HTTP);
        if (service == null) {
            return null;
        }
        Endpoint picked = service.pick(MeshHttpCall.randomHash());
        return picked == null ? null : picked.address();
    }

    @Override
    public boolean routesHttp(String host) {
        return service(table, host, Protocol.HTTP) != null;
    }

    @Override
    public HttpCall beginHttpCall(String host, String method, String rawPath, String rawQuery) {
        Service service = service(table, host, Protocol.HTTP);
        return service == null ? null : new MeshHttpCall(service, method, rawPath, rawQuery, service.clock().nanoTime());
    }

    @Override
    public boolean securesHttp(String host) {
        RouteTable current = table;
        // Asked on every routed JDK-client request: without secured services, no second lookup.
        if (!current.hasSecuredEndpoints()) {
            return false;
        }
        Service service = service(current, host, Protocol.HTTP);
        return service != null && service.tls() != null;
    }

    @Override
    public TlsOrigination tlsTo(String host, int port) {
        Service service = table.securedBy(host, port);
        return service == null ? null : service.tls();
    }

    @Override
    public InetAddress[] resolveName(String host) {
        if (agentThread()) {
            return null;
        }
        Service service = host == null ? null : table.service(host);
        return service == null || !service.routedPerConnection() ? null : new InetAddress[] {service.address()};
    }

    @Override
    public InetAddress[] resolveService(String host) {
        if (agentThread() || host == null) {
            return null;
        }
        Service service = table.service(host);
        return service == null ? null : new InetAddress[] {service.address()};
    }

    @Override
    public InetSocketAddress serviceEndpoint(InetSocketAddress target, boolean tcp) {
        if (agentThread()) {
            return null;
        }
        RouteTable current = table;
        Service service = service(current, target, Protocol.HTTP);
        if (service == null && tcp) {
            service = service(current, target, Protocol.TCP);
        }
        if (service == null) {
            return null;
        }
        Endpoint picked = service.pick(MeshTcpConnect.connectionHash(service));
        // None in rotation: the service's own address, which no connect reaches, fails it at once.
        return picked == null ? target : picked.address();
    }

    @Override
    public TcpConnect beginTcpConnect(InetSocketAddress target, int timeoutMillis, boolean canSecure) {
        if (agentThread()) {
            return null;
        }
        RouteTable current = table;
        Service service = perConnectionService(current, target);
        if (service != null) {
            MeshTcpConnect connect = new MeshTcpConnect(service, connections, timeoutMillis, service.clock().nanoTime());
            return connect.tls() != null && !canSecure ? new UnsecurableConnect(service.name()) : connect;
        }
        if (!canSecure || !current.hasSecuredEndpoints()) {
            return null;
        }
        // An HTTP client (OkHttp) connecting to the endpoint the mesh gave it, of a service it secures.
        Service secured = current.securedBy(target.getHostString(), target.getPort());
        Endpoint endpoint = secured == null ? null : secured.endpointAt(target);
        return endpoint == null ? null
                : new MeshTcpConnect(secured, endpoint, connections, timeoutMillis, secured.clock().nanoTime());
    }

    @Override
    public void tcpConnectFinished(Object connection, IOException error) {
        MeshTcpConnect connect = connections.finishPending(connection);
        if (connect == null) {
            return;
        }
        if (error == null) {
            connect.connected(connection);
        } else {
            connect.failed(error);
        }
    }

    @Override
    public void tcpClosed(Object connection) {
        connections.closed(connection);
    }

    @Override
    public InetSocketAddress inboundBind(InetSocketAddress requested) {
        return inbound.moveBind(requested);
    }

    @Override
    public void inboundBound(InetSocketAddress boundAs, InetSocketAddress actual) {
        inbound.bound(boundAs, actual);
    }

    @Override
    public ServedRequest serve(String method, String path, String protocol, String authority, String peerHeader,
            InetSocketAddress remote, InetSocketAddress local) {
        return serving == null || agentThread() ? null
                : serving.begin(method, path, protocol, authority, peerHeader, remote, local);
    }

    /**
     * The agent never routes its own connections (the control link, the inbound port's copies,
     * the admin endpoint): its threads are named {@code jmesh-…}. Health probes are the
     * exception: they must speak the mesh's TLS to the endpoints they probe.
     */
    private static boolean agentThread() {
        String name = Thread.currentThread().getName();
        return name.startsWith("jmesh-") && !name.startsWith("jmesh-health");
    }

    /**
     * The service routed per connection ({@link Service#routedPerConnection}) that {@code target}
     * names: by its host name, or by the address that name resolved to.
     */
    private static Service perConnectionService(RouteTable table, InetSocketAddress target) {
        Service service = named(table, target);
        return service != null && service.routedPerConnection() ? service : null;
    }

    private static Service service(RouteTable table, InetSocketAddress target, Protocol protocol) {
        Service service = named(table, target);
        return service != null && service.protocol() == protocol ? service : null;
    }

    /** The service {@code target} names: by its host name, or by the address that name resolved to. */
    private static Service named(RouteTable table, InetSocketAddress target) {
        String host = target.getHostString();
        Service service = host == null ? null : table.service(host);
        if (service != null) {
            return service;
        }
        String resolvedFrom = ServiceAddresses.serviceAt(target.getAddress());
        return resolvedFrom == null ? null : table.service(resolvedFrom);
    }

    private static Service service(RouteTable table, String host, Protocol protocol) {
        Service service = host == null ? null : table.service(host);
        return service != null && service.protocol() == protocol ? service : null;
    }
}

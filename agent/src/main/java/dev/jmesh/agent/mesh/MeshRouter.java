package dev.jmesh.agent.mesh;

import dev.jmesh.agent.config.Protocol;
import dev.jmesh.agent.inbound.InboundPorts;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Router;
import dev.jmesh.bootstrap.TcpConnect;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The mesh core as instrumented code sees it: lookups in the route table. HTTP services are
 * routed per request, tcp services per connection; each kind ignores the other's names.
 */
public final class MeshRouter implements Router {

    private final RouteTable table;
    private final InboundPorts inbound;
    private final TcpConnections connections = new TcpConnections();

    /** A router without an inbound policy. */
    public MeshRouter(RouteTable table) {
        this(table, InboundPorts.NONE);
    }

    public MeshRouter(RouteTable table, InboundPorts inbound) {
        this.table = table;
        this.inbound = inbound;
    }

    public RouteTable table() {
        return table;
    }

    @Override
    public InetSocketAddress pickHttpEndpoint(String host) {
        Service service = service(host, Protocol.HTTP);
        if (service == null) {
            return null;
        }
        Endpoint picked = service.pick(MeshHttpCall.randomHash(), null);
        return picked == null ? null : picked.address();
    }

    @Override
    public HttpCall beginHttpCall(String host, String method, String rawPath, String rawQuery) {
        Service service = service(host, Protocol.HTTP);
        return service == null ? null : new MeshHttpCall(service, method, rawPath, rawQuery, System.nanoTime());
    }

    @Override
    public InetAddress[] resolveTcp(String host) {
        Service service = service(host, Protocol.TCP);
        if (service == null) {
            return null;
        }
        InetAddress[] addresses = service.addresses();
        return addresses.length == 0 ? null : addresses;
    }

    @Override
    public TcpConnect beginTcpConnect(String host, int timeoutMillis) {
        Service service = service(host, Protocol.TCP);
        return service == null ? null : new MeshTcpConnect(service, connections, timeoutMillis, System.nanoTime());
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
    public void inboundBound(InetSocketAddress requested, InetSocketAddress actual) {
        inbound.bound(requested, actual);
    }

    private Service service(String host, Protocol protocol) {
        Service service = host == null ? null : table.service(host);
        return service != null && service.protocol() == protocol ? service : null;
    }
}

package dev.jmesh.agent.routing;

import dev.jmesh.bootstrap.Router;
import java.net.InetSocketAddress;

/** The mesh core as instrumented code sees it: a lookup in the current route table. */
public final class MeshRouter implements Router {

    private volatile RouteTable table;

    public MeshRouter(RouteTable table) {
        this.table = table;
    }

    /** Publishes a new snapshot; calls already past the lookup finish on the old one. */
    public void update(RouteTable newTable) {
        this.table = newTable;
    }

    public RouteTable table() {
        return table;
    }

    @Override
    public InetSocketAddress pickHttpEndpoint(String host) {
        Service service = table.service(host);
        return service == null ? null : service.balancer().pick(0).address();
    }
}

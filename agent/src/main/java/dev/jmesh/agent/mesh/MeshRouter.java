package dev.jmesh.agent.mesh;

import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.Router;
import dev.jmesh.agent.routing.Endpoint;
import java.net.InetSocketAddress;

/**
 * The mesh core as instrumented code sees it: lookups in the route table. A new table (a pushed
 * snapshot) is published with one volatile write; a call that already holds a {@link Service}
 * finishes with it.
 */
public final class MeshRouter implements Router {

    private volatile RouteTable table;

    public MeshRouter(RouteTable table) {
        this.table = table;
    }

    public RouteTable table() {
        return table;
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
        Service service = table.service(host);
        if (service == null) {
            return null;
        }
        Endpoint picked = service.pick(MeshHttpCall.randomHash(), null);
        return picked == null ? null : picked.address();
    }

    @Override
    public HttpCall beginHttpCall(String host, String method, String rawPath, String rawQuery) {
        Service service = table.service(host);
        return service == null ? null : new MeshHttpCall(service, method, rawPath, rawQuery, System.nanoTime());
    }
}

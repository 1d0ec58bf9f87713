package dev.jmesh.instrumentation.netty;

import dev.jmesh.bootstrap.Mesh;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.util.List;

/** The hooks woven into Netty's resolvers; defined by the agent in the loader that loaded Netty. */
public final class NettyNames {

    private NettyNames() {}

    /** Completes a lookup of a service's name; {@code false} lets the resolver ask as it would. */
    @SuppressWarnings("unchecked")
    public static boolean resolve(String host, Object promise) {
        InetAddress[] mesh = Mesh.resolveService(host);
        if (mesh == null) {
            return false;
        }
        ((Promise<InetAddress>) promise).trySuccess(mesh[0]);
        return true;
    }

    /** The same for {@code resolveAll}. */
    @SuppressWarnings("unchecked")
    public static boolean resolveAll(String host, Object promise) {
        InetAddress[] mesh = Mesh.resolveService(host);
        if (mesh == null) {
            return false;
        }
        ((Promise<List<InetAddress>>) promise).trySuccess(List.of(mesh));
        return true;
    }
}

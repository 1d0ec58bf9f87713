package dev.jmesh.instrumentation.netty;

import static dev.jmesh.instrumentation.api.Value.argument;

import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.net.SocketAddress;
import java.util.List;

/**
 * Routes Netty's connects (Reactor Netty, Lettuce, Vert.x, any {@code Bootstrap}) to a
 * service's endpoint, with the endpoint's port, per connection: a Netty client's pool is its
 * own, so a request cannot be sent elsewhere than its pooled connection goes.
 *
 * <ul>
 *   <li>the native epoll transport ({@code AbstractEpollChannel.doConnect}): tcp and http
 *       services;</li>
 *   <li>the NIO transport ({@code NioSocketChannel.doConnect}): http services; a tcp service's
 *       NIO connect goes through {@code SocketChannel}, which the socket instrumentation routes
 *       and whose outcome it reports.</li>
 * </ul>
 */
public final class NettyTransportInstrumentation implements MeshInstrumentation {

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public List<TypeAdvice> types() {
        return List.of(
                connect("io.netty.channel.epoll.AbstractEpollChannel", "connectTarget"),
                connect("io.netty.channel.socket.nio.NioSocketChannel", "httpConnectTarget"));
    }

    /** {@code doConnect(remote, local)}: every connect of the transport, before it is made. */
    private static TypeAdvice connect(String channel, String door) {
        return TypeAdvice.of(channel, MethodAdvice.of(
                MethodMatch.method("doConnect", boolean.class, SocketAddress.class, SocketAddress.class),
                Step.replaceArgument(0, Hook.on(Mesh.class, door, SocketAddress.class, SocketAddress.class)
                        .with(argument(0)))));
    }
}

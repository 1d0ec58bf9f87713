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
 * Routes connections of Netty's native epoll transport (Reactor Netty's and Lettuce's default
 * when {@code netty-transport-native-epoll} is on the class path) to tcp services: the connect
 * goes to an endpoint the mesh picks, with the endpoint's port. Netty's NIO transport needs
 * nothing of its own: it connects through {@code SocketChannel}, which the socket
 * instrumentation routes.
 */
public final class NettyEpollInstrumentation implements MeshInstrumentation {

    @Override
    public String name() {
        return "netty-epoll";
    }

    @Override
    public List<TypeAdvice> types() {
        // AbstractEpollChannel.doConnect(remote, local): every epoll connect, before the native call.
        return List.of(TypeAdvice.of("io.netty.channel.epoll.AbstractEpollChannel", MethodAdvice.of(
                MethodMatch.method("doConnect", boolean.class, SocketAddress.class, SocketAddress.class),
                Step.replaceArgument(0, Hook.on(Mesh.class, "connectTarget", SocketAddress.class, SocketAddress.class)
                        .with(argument(0))))));
    }
}

package dev.jmesh.instrumentation.socket;

import static dev.jmesh.instrumentation.api.Value.argument;
import static dev.jmesh.instrumentation.api.Value.returned;
import static dev.jmesh.instrumentation.api.Value.self;
import static dev.jmesh.instrumentation.api.Value.thrown;

import dev.jmesh.bootstrap.InboundHooks;
import dev.jmesh.bootstrap.Mesh;
import dev.jmesh.bootstrap.SocketHooks;
import dev.jmesh.instrumentation.api.Hook;
import dev.jmesh.instrumentation.api.MeshInstrumentation;
import dev.jmesh.instrumentation.api.MethodAdvice;
import dev.jmesh.instrumentation.api.MethodMatch;
import dev.jmesh.instrumentation.api.Step;
import dev.jmesh.instrumentation.api.TypeAdvice;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Routes TCP connections to the names of {@code tcp} services, below every client library, and
 * adds the mesh's mutual TLS to connections that need it:
 *
 * <ul>
 *   <li>{@code InetAddress.getAllByName} (and so {@code getByName} and
 *       {@code new InetSocketAddress(name, port)}) answers a service name with the service's
 *       own address, which only the mesh's connects reach, without asking a resolver;</li>
 *   <li>{@code Socket.connect(SocketAddress, int)}, where every socket connect ends up
 *       (constructors, {@code SocketFactory}, SSL sockets), is made by the mesh for a tcp
 *       service: it connects to an endpoint the mesh chooses, failing over to the next within
 *       the caller's timeout, and secures the connection when the service requires mutual TLS —
 *       also when the application (OkHttp) connects to an endpoint of such a service itself
 *       ({@link PlatformSocketDriver}). The method's own body is then skipped, and a failure the
 *       mesh could not fail over is thrown as the JDK would have thrown it;</li>
 *   <li>blocking {@code SocketChannel} connects (its {@code connect} and its socket adaptor's
 *       {@code blockingConnect}) are made by the mesh with fail-over, as socket connects are;
 *       non-blocking ones (and bound ones) go to an endpoint chosen by the mesh, and their
 *       outcome (connected, failed, or pending until {@code finishConnect}) is reported: a
 *       failure feeds outlier detection but is not failed over, the application's selector
 *       watching the descriptor that failed;</li>
 *   <li>{@code AsynchronousSocketChannel} connects go to an endpoint chosen by the mesh, with
 *       its port (per connection, without failover);</li>
 *   <li>closes are counted, so {@code least-request} sees open connections;</li>
 *   <li>a server socket binding the port the agent owns (inbound mTLS: {@code ServerSocket} and
 *       {@code ServerSocketChannelImpl}, which {@code HttpServer} and every NIO server use) binds
 *       a loopback ephemeral port instead, and the agent opens the real one in front of it.</li>
 * </ul>
 *
 * The endpoint's port replaces the port the application asked for: the name alone selects
 * the service.
 */
public final class SocketInstrumentation implements MeshInstrumentation {

    static final String INET_ADDRESS = "java.net.InetAddress";
    static final String SOCKET = "java.net.Socket";
    static final String SOCKET_CHANNEL = "sun.nio.ch.SocketChannelImpl";
    static final String ASYNC_SOCKET_CHANNEL = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
    static final String SERVER_SOCKET = "java.net.ServerSocket";
    static final String SERVER_SOCKET_CHANNEL = "sun.nio.ch.ServerSocketChannelImpl";

    private static final Hook RESOLVE = Hook.on(Mesh.class, "resolve", InetAddress[].class, String.class);
    private static final Hook CONNECT_SOCKET = Hook.on(SocketHooks.class, "connectSocket", boolean.class,
            Socket.class, SocketAddress.class, int.class);
    private static final Hook CLOSED = Hook.on(SocketHooks.class, "closed", void.class, Object.class);
    private static final Hook CONNECT_TARGET = Hook.on(Mesh.class, "connectTarget", SocketAddress.class,
            SocketAddress.class);
    private static final Hook CONNECT_CHANNEL = Hook.on(SocketHooks.class, "connectChannel", boolean.class,
            Object.class, SocketAddress.class);
    private static final Hook CONNECT_CHANNEL_WITHIN = Hook.on(SocketHooks.class, "connectChannel", boolean.class,
            Object.class, SocketAddress.class, long.class);
    private static final Hook CHANNEL_ENDPOINT = Hook.on(SocketHooks.class, "beginChannelConnect", SocketAddress.class,
            SocketAddress.class);
    private static final Hook CHANNEL_RETURNED = Hook.on(SocketHooks.class, "channelConnectReturned", boolean.class,
            boolean.class, Object.class);
    private static final Hook CHANNEL_CONNECTED = Hook.on(SocketHooks.class, "channelConnected", void.class, Object.class);
    private static final Hook CHANNEL_FAILED = Hook.on(SocketHooks.class, "channelConnectFailed", void.class,
            Throwable.class, Object.class);
    private static final Hook FINISHED = Hook.on(SocketHooks.class, "channelConnectFinished", boolean.class,
            boolean.class, Object.class);
    private static final Hook FINISH_FAILED = Hook.on(SocketHooks.class, "channelFinishFailed", void.class,
            Throwable.class, Object.class);
    private static final Hook BIND = Hook.on(InboundHooks.class, "bind", SocketAddress.class, SocketAddress.class);
    private static final Hook BOUND = Hook.on(InboundHooks.class, "bound", void.class, Object.class, SocketAddress.class);

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public List<TypeAdvice> types() {
        Step channelEndpoint = Step.replaceArgument(0, CHANNEL_ENDPOINT.with(argument(0)));
        Step channelFailed = Step.thrown(CHANNEL_FAILED.with(thrown(), self()));
        Step closed = Step.exit(CLOSED.with(self()));
        Step[] bind = {
            Step.replaceArgument(0, BIND.with(argument(0))),
            Step.exit(BOUND.with(self(), argument(0))),
        };
        return List.of(
                TypeAdvice.of(INET_ADDRESS, MethodAdvice.of(
                        MethodMatch.method("getAllByName", InetAddress[].class, String.class),
                        Step.answerIfPresent(RESOLVE.with(argument(0))))),
                TypeAdvice.of(SOCKET,
                        MethodAdvice.of(MethodMatch.method("connect", void.class, SocketAddress.class, int.class),
                                Step.answerIfPresent(CONNECT_SOCKET.with(self(), argument(0), argument(1)))),
                        MethodAdvice.of(MethodMatch.method("close", void.class), closed)),
                TypeAdvice.of(SOCKET_CHANNEL,
                        MethodAdvice.of(MethodMatch.method("connect", boolean.class, SocketAddress.class),
                                Step.answerIfPresent(CONNECT_CHANNEL.with(self(), argument(0))),
                                channelEndpoint, Step.exit(CHANNEL_RETURNED.with(returned(), self())), channelFailed),
                        MethodAdvice.of(MethodMatch.method("blockingConnect", void.class, SocketAddress.class, long.class),
                                Step.answerIfPresent(CONNECT_CHANNEL_WITHIN.with(self(), argument(0), argument(1))),
                                channelEndpoint, Step.exit(CHANNEL_CONNECTED.with(self())), channelFailed),
                        MethodAdvice.of(MethodMatch.method("finishConnect", boolean.class),
                                Step.exit(FINISHED.with(returned(), self())),
                                Step.thrown(FINISH_FAILED.with(thrown(), self()))),
                        MethodAdvice.of(MethodMatch.method("implCloseSelectableChannel", void.class), closed)),
                TypeAdvice.of(ASYNC_SOCKET_CHANNEL, MethodAdvice.of(
                        MethodMatch.method("implConnect", Future.class, SocketAddress.class, Object.class,
                                CompletionHandler.class),
                        Step.replaceArgument(0, CONNECT_TARGET.with(argument(0))))),
                TypeAdvice.of(SERVER_SOCKET,
                        MethodAdvice.of(MethodMatch.method("bind", void.class, SocketAddress.class, int.class), bind)),
                TypeAdvice.of(SERVER_SOCKET_CHANNEL, MethodAdvice.of(
                        MethodMatch.method("bind", ServerSocketChannel.class, SocketAddress.class, int.class), bind)));
    }
}

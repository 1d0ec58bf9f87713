package dev.jmesh.instrumentation.socket;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jmesh.instrumentation.api.MeshInstrumentation;
import java.net.SocketAddress;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Routes TCP connections to the names of {@code tcp} services, below every client library, and
 * adds the mesh's mutual TLS to connections that need it:
 *
 * <ul>
 *   <li>{@code InetAddress.getAllByName} (and so {@code getByName} and
 *       {@code new InetSocketAddress(name, port)}) answers a service name with its endpoints'
 *       addresses without asking a resolver;</li>
 *   <li>{@code Socket.connect} connects to an endpoint chosen by the mesh, failing over to the
 *       next within the caller's timeout, and secures the connection when the service requires
 *       mutual TLS — also when the application (OkHttp) connects to an endpoint of such a
 *       service itself ({@link PlatformSocketDriver});</li>
 *   <li>{@code SocketChannel} connects (blocking, non-blocking, and through its socket adaptor)
 *       go to an endpoint chosen by the mesh; a channel closed by a failed connect cannot be
 *       reused, so a failure is reported (outlier detection) but not failed over;</li>
 *   <li>closes are counted, so {@code least-request} sees open connections;</li>
 *   <li>a server socket binding the port the agent owns (inbound mTLS) binds a loopback
 *       ephemeral port instead ({@link BindAdvice}).</li>
 * </ul>
 *
 * The endpoint's port replaces the port the application asked for: the name alone selects
 * the service.
 */
public final class SocketInstrumentation implements MeshInstrumentation {

    static final String INET_ADDRESS = "java.net.InetAddress";
    static final String SOCKET = "java.net.Socket";
    static final String SOCKET_CHANNEL = "sun.nio.ch.SocketChannelImpl";
    static final String SERVER_SOCKET = "java.net.ServerSocket";
    static final String SERVER_SOCKET_CHANNEL = "sun.nio.ch.ServerSocketChannelImpl";

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public Set<String> typeNames() {
        return Set.of(INET_ADDRESS, SOCKET, SOCKET_CHANNEL, SERVER_SOCKET, SERVER_SOCKET_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return new AgentBuilder.Transformer.ForAdvice()
                .include(SocketInstrumentation.class.getClassLoader())
                .advice(isDeclaredBy(named(INET_ADDRESS)).and(named("getAllByName")).and(takesArguments(String.class)),
                        ResolveAdvice.class.getName())
                .advice(isDeclaredBy(named(SOCKET)).and(named("connect"))
                                .and(takesArguments(SocketAddress.class, int.class)),
                        SocketConnectAdvice.class.getName())
                .advice(isDeclaredBy(named(SOCKET)).and(named("close")).and(takesArguments(0)),
                        ClosedAdvice.class.getName())
                .advice(isDeclaredBy(named(SOCKET_CHANNEL)).and(named("connect"))
                                .and(takesArguments(SocketAddress.class)),
                        ChannelConnectAdvice.Enter.class.getName(), ChannelConnectAdvice.Exit.class.getName())
                .advice(isDeclaredBy(named(SOCKET_CHANNEL)).and(named("blockingConnect"))
                                .and(takesArguments(2)).and(takesArgument(0, SocketAddress.class)),
                        ChannelConnectAdvice.Enter.class.getName(), ChannelConnectAdvice.BlockingExit.class.getName())
                .advice(isDeclaredBy(named(SOCKET_CHANNEL)).and(named("finishConnect")).and(takesArguments(0)),
                        FinishConnectAdvice.class.getName())
                .advice(isDeclaredBy(named(SOCKET_CHANNEL)).and(named("implCloseSelectableChannel"))
                                .and(takesArguments(0)),
                        ClosedAdvice.class.getName())
                .advice(isDeclaredBy(named(SERVER_SOCKET).or(named(SERVER_SOCKET_CHANNEL))).and(named("bind"))
                                .and(takesArguments(SocketAddress.class, int.class)),
                        BindAdvice.class.getName());
    }
}

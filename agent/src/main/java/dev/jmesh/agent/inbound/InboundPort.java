package dev.jmesh.agent.inbound;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.bootstrap.ByteCount;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The network side of the application's listening port: the agent accepts there, applies the
 * {@link InboundPolicy}, and joins callers to the application, which the agent made listen on
 * a loopback-only ephemeral port instead. The application serves plaintext and changes nothing.
 */
public final class InboundPort implements AutoCloseable {

    private static final long ACCEPT_BACKOFF_MILLIS = 100;
    private static final long ACCEPT_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final InetSocketAddress appAddress;
    private final ServerSocket listener;
    private final InboundEvents events;
    private final InboundPolicy policy;
    private final InboundCallers callers;

    private InboundPort(ServerSocket listener, InetSocketAddress appAddress, InboundPolicy policy, InboundEvents events,
                        InboundCallers callers) {
        this.listener = listener;
        this.appAddress = appAddress;
        this.policy = policy;
        this.events = events;
        this.callers = callers;
    }

    /**
     * Listens on {@code publicAddress} for the application listening at {@code appAddress}.
     *
     * @throws IOException when the public address cannot be bound
     */
    public static InboundPort open(InetSocketAddress publicAddress, InetSocketAddress appAddress, InboundPolicy policy,
                                   InboundEvents events, InboundCallers callers) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(publicAddress, 128);
        InboundPort port = new InboundPort(listener, appAddress, policy, events, callers);
        port.start("jmesh-inbound-" + listener.getLocalPort(), port::acceptLoop);
        return port;
    }

    public int port() {
        return listener.getLocalPort();
    }

    InboundPolicy policy() {
        return policy;
    }

    InetSocketAddress appAddress() {
        return appAddress;
    }

    private void acceptLoop() {
        long lastLogged = 0;
        while (!listener.isClosed()) {
            try {
                Socket accepted = listener.accept();
                accepted.setTcpNoDelay(true);
                start("jmesh-inbound-in", new InboundConnection(accepted, this));
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                // A lasting failure (out of file descriptors) must neither spin nor flood the log.
                if (System.nanoTime() - lastLogged > ACCEPT_LOG_INTERVAL_NANOS) {
                    lastLogged = System.nanoTime();
                    AgentLog.line("inbound port " + port() + ": accept failed: " + e.getMessage());
                }
                try {
                    Thread.sleep(ACCEPT_BACKOFF_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    Thread start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** @param joinedFrom the local port of the agent's connection to the application */
    ByteCount opened(String principal, int joinedFrom) {
        callers.joined(joinedFrom, principal);
        return events.opened(principal);
    }

    void closed(String principal, int joinedFrom) {
        callers.left(joinedFrom);
        events.closed(principal);
    }

    void refused(String why) {
        events.refused(why);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}

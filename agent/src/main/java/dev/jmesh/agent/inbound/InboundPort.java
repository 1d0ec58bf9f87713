package dev.jmesh.agent.inbound;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.bootstrap.ByteCount;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network side of the application's listening port: the agent accepts there, applies the
 * {@link InboundPolicy}, and joins callers to the application, which the agent made listen on
 * a loopback-only ephemeral port instead. The application serves plaintext and changes nothing.
 */
public final class InboundPort implements AutoCloseable {

    private static final long ACCEPT_BACKOFF_MILLIS = 100;
    private static final long ACCEPT_LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Requests answered by the port itself that are logged; all of them are counted. */
    private static final int ANSWERS_LOGGED = 10;

    private final InetSocketAddress appAddress;
    private final ServerSocket listener;
    private final InboundEvents events;
    private final InboundPolicy policy;
    private final InboundCallers callers;
    private final InboundAnswers answers;
    private final AtomicInteger answersLogged = new AtomicInteger();

    private InboundPort(ServerSocket listener, InetSocketAddress appAddress, InboundPolicy policy, InboundEvents events,
                        InboundCallers callers, InboundAnswers answers) {
        this.listener = listener;
        this.appAddress = appAddress;
        this.policy = policy;
        this.events = events;
        this.callers = callers;
        this.answers = answers;
    }

    /**
     * Listens on {@code publicAddress} for the application listening at {@code appAddress}.
     *
     * @throws IOException when the public address cannot be bound
     */
    public static InboundPort open(InetSocketAddress publicAddress, InetSocketAddress appAddress, InboundPolicy policy,
                                   InboundEvents events, InboundCallers callers, InboundAnswers answers)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(publicAddress, 128);
        InboundPort port = new InboundPort(listener, appAddress, policy, events, callers, answers);
        Thread acceptor = new Thread(port::acceptLoop, "jmesh-inbound-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
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

    /** A connection's copy, on a thread of its own (virtual where the JDK has them). */
    Thread start(String name, Runnable task) {
        return ConnectionThreads.start(name, task);
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

    /** @param principal the caller's SPIFFE ID, or {@link InboundEvents#PLAINTEXT} */
    void answered(InboundRequests.Answered answered, String principal) {
        RequestHead request = answered.request();
        LocalReply reply = answered.reply();
        String caller = principal.equals(InboundEvents.PLAINTEXT) ? null : principal;
        answers.answered(request.method, request.target, request.version, request.header("host"),
                request.header(dev.jmesh.bootstrap.ServedRequest.PEER_HEADER), caller, reply.status(), reply.rbac());
        int logged = answersLogged.getAndIncrement();
        if (logged < ANSWERS_LOGGED) {
            AgentLog.line("inbound port " + port() + ": " + reply.status() + (reply.rbac() ? " RBAC" : "") + " for "
                    + request.method + " " + request.target + " from " + (caller == null ? "a plaintext caller" : caller)
                    + ": " + reply.why() + (logged == ANSWERS_LOGGED - 1 ? " (further answers are counted, not logged)" : ""));
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}

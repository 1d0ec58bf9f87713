package dev.jmesh.agent.inbound;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.authz.Authorizer;
import dev.jmesh.agent.identity.tls.MeshTls;
import dev.jmesh.agent.jwt.TokenValidator;
import dev.jmesh.agent.mesh.MeshSecurity;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.InboundConfig;
import dev.jmesh.policy.Protocol;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.SpiffeId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Takes over the application's listening port for inbound mTLS: the application's bind of
 * that port is moved to a loopback-only ephemeral port, and an {@link InboundPort} opens the
 * real one in front of it. Seen from the network, the port speaks what the policy says.
 */
public final class InboundPorts {

    /** No inbound policy: every bind happens as asked. */
    public static final InboundPorts NONE = new InboundPorts(0, () -> null, null, new InboundCallers(), InboundAnswers.NONE);

    /** Set while the agent binds its own listener, whose bind must not be moved. */
    private static final ThreadLocal<Boolean> OWN_BIND = new ThreadLocal<>();

    private final int port;
    private final Supplier<InboundPolicy> policySource;
    private final InboundEvents events;
    private final InboundCallers callers;
    private final InboundAnswers answers;
    private InboundPolicy policy; // made at the application's bind, not in premain: it builds a TLS context
    private InboundPort open;
    /** Set at JVM exit: the port is not opened again. */
    private boolean stopped;
    /** Moved binds not yet reported bound: each loopback address handed out, to the address it replaced. */
    private final Map<InetSocketAddress, InetSocketAddress> moved = new IdentityHashMap<>();

    /**
     * The inbound port of a policy, or {@link #NONE} when it has none with mTLS.
     *
     * @param callers where the port says who is behind the connections it joins to the application
     * @param answers where the requests the port answers itself are counted
     */
    public static InboundPorts of(MeshConfig config, MeshSecurity security, InboundEvents events, InboundCallers callers,
                                  InboundAnswers answers) {
        InboundConfig inbound = config.inbound();
        if (inbound == null || inbound.mtls() == InboundConfig.Mtls.DISABLE) {
            return NONE;
        }
        return new InboundPorts(inbound.port(), () -> policy(inbound, security), events, callers, answers);
    }

    private static InboundPolicy policy(InboundConfig inbound, MeshSecurity security) {
        Supplier<SSLContext> tls = null;
        String unavailable = security.unavailable();
        if (security.tls() != null) {
            Set<SpiffeId> allow = inbound.allow().stream().map(SpiffeId::parse).collect(Collectors.toSet());
            try {
                security.tls().serverContext(allow); // fails now, not at the first caller
                tls = () -> serverContext(security.tls(), allow);
            } catch (GeneralSecurityException e) {
                unavailable = "no server TLS context: " + e.getMessage();
            }
        }
        String local = security.identity() == null ? "unknown" : security.identity().toString();
        return new InboundPolicy(inbound.mtls() == InboundConfig.Mtls.PERMISSIVE, inbound.protocol() == Protocol.HTTP,
                tls, unavailable, local,
                Authorizer.of(inbound.authorization()), TokenValidator.of(inbound.jwt(), MeshClock.SYSTEM,
                        () -> System.currentTimeMillis() / 1000));
    }

    private static SSLContext serverContext(MeshTls tls, Set<SpiffeId> allow) {
        try {
            return tls.serverContext(allow);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // it was built once already: the same inputs build it again
        }
    }

    /** @param port the application's port the agent owns; 0 = none */
    private InboundPorts(int port, Supplier<InboundPolicy> policy, InboundEvents events, InboundCallers callers,
                         InboundAnswers answers) {
        this.port = port;
        this.policySource = policy;
        this.events = events;
        this.callers = callers;
        this.answers = answers;
    }

    /** Where the application binds instead of {@code requested}, or {@code null} for as asked. */
    public InetSocketAddress moveBind(InetSocketAddress requested) {
        if (port == 0 || requested.getPort() != port || OWN_BIND.get() != null) {
            return null;
        }
        InetSocketAddress instead = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        synchronized (this) {
            moved.put(instead, requested);
        }
        return instead;
    }

    /**
     * An application's server bound {@code boundAs} and listens at {@code actual}: when that was
     * a moved bind, open the real port in front of it.
     */
    public synchronized void bound(InetSocketAddress boundAs, InetSocketAddress actual) {
        InetSocketAddress requested = port == 0 ? null : moved.remove(boundAs);
        if (requested == null || stopped) {
            return;
        }
        InetSocketAddress app = new InetSocketAddress(InetAddress.getLoopbackAddress(), actual.getPort());
        OWN_BIND.set(Boolean.TRUE);
        try {
            if (open != null) {
                closeQuietly(open); // the application re-bound its port: follow it
            }
            if (policy == null) {
                policy = policySource.get();
            }
            open = InboundPort.open(requested, app, policy, events, callers, answers);
            AgentLog.line("inbound port " + port + " (" + (policy.acceptsPlaintext() ? "mtls: permissive" : "mtls: strict")
                    + ") in front of the application's " + app
                    + (ConnectionThreads.virtual() ? ", connections on virtual threads" : ", two threads per connection")
                    + (policy.tls() == null ? "" : ", TLS by " + policy.tls().get().getProvider().getName())
                    + (policy.authorizer().isEmpty() ? "" : "; authorization: " + policy.authorizer())
                    + (policy.tokens().isEmpty() ? "" : "; tokens: " + policy.tokens())
                    + (policy.tls() == null ? "; mTLS callers refused: " + policy.unavailableReason() : ""));
        } catch (IOException e) {
            AgentLog.line("inbound port " + port + " could not be opened, the application is reachable only on "
                    + app + ": " + e.getMessage());
        } finally {
            OWN_BIND.remove();
        }
    }

    /**
     * Stops accepting connections on the inbound port, at JVM exit: new callers are refused
     * (and fail over to another endpoint) while the connections already open go on.
     */
    public synchronized void stopAccepting() {
        stopped = true;
        if (open != null) {
            closeQuietly(open);
            open = null;
        }
    }

    private static void closeQuietly(InboundPort port) {
        try {
            port.close();
        } catch (IOException e) {
            // it stops listening either way
        }
    }
}

package dev.jmesh.agent.mesh;

import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.bootstrap.ByteCount;
import dev.jmesh.bootstrap.TcpConnect;
import dev.jmesh.bootstrap.TlsOrigination;
import dev.jmesh.policy.Protocol;
import dev.jmesh.policy.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The mesh's side of opening one connection to a service routed per connection (a tcp
 * service, or an application's own {@code https://} to an http one): each attempt goes to an
 * endpoint in rotation not tried yet, within the tighter of the caller's connect timeout and
 * the service's {@code timeout}, each attempt bounded by {@code retries.perTryTimeout}, at
 * most {@code retries.attempts} attempts. No backoff: a refused connect says nothing about
 * the next endpoint. Once open, the connection stays with its endpoint until closed
 * (counted in {@link TcpConnections}).
 *
 * <p>Safe defaults: with no connect timeout from the caller or the policy, a connect gives up
 * after {@link #DEFAULT_CONNECT_TIMEOUT} (Istio's), not the kernel's two minutes of SYN
 * retries; and an attempt with another endpoint left to try is bounded by the service's
 * {@link dev.jmesh.agent.resilience.FailoverTimeout} when the policy sets no {@code perTryTimeout}.
 *
 * <p>A connect the application aims at one endpoint of a service the mesh secures (an HTTP
 * client that was given that endpoint, or a health probe) makes one attempt, to that endpoint,
 * with the service's mutual TLS, and counts nothing: the request it carries is counted by the
 * HTTP call, once.
 */
final class MeshTcpConnect implements TcpConnect {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Service service;
    private final TcpConnections connections;
    private final int maxAttempts;
    private final long perTryMillis;
    private final long startNanos;
    private final long deadlineNanos;
    private final long requestHash;
    private final Endpoint[] tried;
    private final Endpoint fixed; // the one endpoint the application chose, or null to balance
    /** Where the connection is balanced: the subset its route's split chose, or the whole service. */
    private final EndpointPool pool;
    private final TlsOrigination tls;
    private final StringBuilder failures = new StringBuilder();
    private int attempts;
    private Endpoint current;
    private long attemptStartNanos;
    private IOException lastError;
    /** The endpoint of the open connection; null before it opens. */
    private Endpoint openTo;

    /** A connection balanced over the service's endpoints. */
    MeshTcpConnect(Service service, TcpConnections connections, int callerTimeoutMillis, long nowNanos) {
        this(service, null, connections, callerTimeoutMillis, nowNanos);
    }

    /** A connection to {@code fixed}, an endpoint of {@code service}, or balanced when null. */
    MeshTcpConnect(Service service, Endpoint fixed, TcpConnections connections, int callerTimeoutMillis, long nowNanos) {
        this.service = service;
        this.connections = connections;
        this.fixed = fixed;
        // A balanced connection to an http service carries the application's own TLS (https://):
        // the mesh adds none. One to a chosen endpoint carries the request the mesh secures.
        this.tls = fixed == null && service.protocol() == Protocol.HTTP ? null : service.tls();
        RetryPolicy retries = service.config().retries();
        this.maxAttempts = fixed != null ? 1 : retries.attempts();
        this.perTryMillis = retries.perTryTimeout() == null ? 0 : retries.perTryTimeout().toMillis();
        this.startNanos = nowNanos;
        Duration timeout = service.config().timeout();
        long callerNanos = callerTimeoutMillis > 0 ? callerTimeoutMillis * 1_000_000L : Long.MAX_VALUE;
        long serviceNanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
        long bound = Math.min(callerNanos, serviceNanos);
        this.deadlineNanos = nowNanos + (bound == Long.MAX_VALUE ? DEFAULT_CONNECT_TIMEOUT.toNanos() : bound);
        this.requestHash = connectionHash(service);
        this.pool = fixed != null ? service.whole() : service.connectionPool();
        this.tried = new Endpoint[maxAttempts];
    }

    @Override
    public InetSocketAddress nextEndpoint() throws IOException {
        if (attempts > 0 && (attempts >= maxAttempts || remainingNanos() <= 0)) {
            return null;
        }
        Rotation rotation = pool.rotation();
        if (fixed == null && rotation.isEmpty()) {
            throw new ConnectException(prefix() + "no healthy endpoint (" + pool.noEndpointReason() + ")");
        }
        // One balancer pick per connection; a fail-over walks on from the endpoint that failed,
        // so a dead endpoint does not take the first attempt of every connection.
        Endpoint picked = fixed != null ? fixed
                : attempts == 0 ? rotation.pick(requestHash)
                : rotation.untried(rotation.after(tried[attempts - 1]), tried, attempts);
        if (picked == null) {
            return null;
        }
        tried[attempts++] = picked;
        current = picked;
        attemptStartNanos = service.clock().nanoTime();
        return picked.address();
    }

    @Override
    public int attemptTimeoutMillis() {
        long now = service.clock().nanoTime();
        long remainingMillis = Math.max(1, (deadlineNanos - now + 999_999) / 1_000_000);
        long perTry = perTryMillis != 0 ? perTryMillis
                : mayFailOver() ? service.failoverTimeout().boundMillis(now)
                : remainingMillis;
        return (int) Math.min(Math.min(perTry, remainingMillis), Integer.MAX_VALUE);
    }

    /** Whether the attempt just started has another endpoint to fail over to. */
    private boolean mayFailOver() {
        return fixed == null && attempts < maxAttempts && pool.rotation().endpoints().length > attempts;
    }

    private long remainingNanos() {
        return deadlineNanos - service.clock().nanoTime();
    }

    @Override
    public void connected(Object connection) {
        Endpoint endpoint = current;
        if (endpoint == null || fixed != null) {
            return;
        }
        long now = service.clock().nanoTime();
        endpoint.load().started();
        endpoint.load().observe(now - attemptStartNanos, now);
        endpoint.stats().success(now - attemptStartNanos);
        service.failoverTimeout().record(now - attemptStartNanos);
        service.outliers().onSuccess(endpoint);
        service.metrics().recordTcpOpened(now - startNanos);
        openTo = endpoint;
        connections.opened(connection, this);
    }

    /** A balanced connection's bytes are its service's; a connection to one named endpoint is not counted. */
    @Override
    public ByteCount bytes() {
        return fixed != null ? null : service.metrics().tcpBytes();
    }

    @Override
    public void pending(Object connection) {
        connections.pending(connection, this);
    }

    @Override
    public void failed(IOException error) {
        Endpoint endpoint = current;
        if (endpoint == null) {
            return;
        }
        current = null;
        lastError = error;
        failures.append(failures.length() == 0 ? "" : ", ").append(endpoint.key()).append(" (")
                .append(error.getMessage()).append(')');
        if (fixed == null) {
            endpoint.stats().failure(-1);
            service.outliers().onError(endpoint);
            service.metrics().recordTcpConnectFailure();
        }
    }

    /** The connection this connect opened was closed (or collected); called once, by {@link TcpConnections}. */
    void closed() {
        openTo.load().finished(-1, service.clock().nanoTime());
        service.metrics().recordTcpClosed();
    }

    @Override
    public TlsOrigination tls() {
        return tls;
    }

    @Override
    public IOException cannotConnect(String fault) {
        return tls == null ? null : new SocketException("jmesh: " + service.name()
                + ": mutual TLS required, not connected: " + fault);
    }

    @Override
    public IOException exhausted() {
        boolean timedOut = lastError instanceof SocketTimeoutException || remainingNanos() <= 0;
        String message = prefix() + (timedOut ? "connect timed out" : "no endpoint accepted the connection")
                + " after " + attempts + " attempt(s): " + failures;
        IOException error = timedOut ? new SocketTimeoutException(message) : new ConnectException(message);
        error.initCause(lastError);
        return error;
    }

    private String prefix() {
        return "jmesh: " + service.name() + ": ";
    }

    /** What a connection to {@code service} hashes on: this workload's source address, for a hashing balancer. */
    static long connectionHash(Service service) {
        return service.config().balancer().hashes() ? SourceAddress.HASH : MeshHttpCall.randomHash();
    }
}

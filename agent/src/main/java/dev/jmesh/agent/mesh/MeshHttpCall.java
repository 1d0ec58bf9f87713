package dev.jmesh.agent.mesh;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.agent.accesslog.AccessLogEntry;
import dev.jmesh.agent.metrics.ResponseFlags;
import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.routing.Hashing;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.agent.traffic.RouteSelector;
import dev.jmesh.agent.traffic.TokenBucket;
import dev.jmesh.bootstrap.ApplicationRequest;
import dev.jmesh.bootstrap.AsyncHttpTransport;
import dev.jmesh.bootstrap.FailureKind;
import dev.jmesh.bootstrap.HttpCall;
import dev.jmesh.bootstrap.HttpTransport;
import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.bootstrap.ServedRequest;
import dev.jmesh.policy.Durations;
import dev.jmesh.policy.FaultPolicy;
import dev.jmesh.policy.HashKey;
import dev.jmesh.policy.MirrorPolicy;
import dev.jmesh.policy.RetryOn.Condition;
import dev.jmesh.policy.RetryPolicy;
import dev.jmesh.policy.RouteConfig;
import dev.jmesh.policy.ServiceConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The policy of one application request: its route (and with it its subset, its policy, an
 * injected fault or a rate limit), admission, endpoint per attempt, per-try and
 * whole-call deadlines, retry decisions (conditions, idempotency, budget, backoff) and the
 * reports that feed load balancing, outlier detection and metrics. {@link BlockingAttempts}
 * and {@link AsyncAttempts} are the mechanism that asks it, attempt after attempt, through a
 * client adapter's transport.
 */
final class MeshHttpCall implements HttpCall {

    /** Verdict: hand this response or failure to the application. */
    static final long DONE = -1;
    /** {@link #attemptTimeoutMillis()}: no bound on the attempt. */
    static final long NO_TIMEOUT = -1;
    /** {@link #attemptTimeoutMillis()}: the call's deadline has passed. */
    static final long EXPIRED = 0;

    /** RFC 9110 idempotent methods: a retry cannot do the work twice. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final Service service;
    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final boolean idempotent;
    private final boolean admitted;
    private final long startNanos;
    /** Set by {@link #route}, from the route the request takes or else the service. */
    private RetryPolicy retries;
    private Duration timeout;
    private long deadlineNanos;
    private long requestHash;
    /** The request carries its hash key: a split sticks to it. */
    private boolean keyed;
    private EndpointPool pool;
    private ServiceRoute route;
    /** How long the route's fault delays the request; 0 for none. */
    private long delayNanos;
    /** Where a copy of the request goes, or null. */
    private Endpoint mirrorTo;

    private int attempts;
    /** The first attempt's endpoint. */
    private Endpoint first;
    /**
     * The endpoints of the attempts so far, in order, so that a retry goes to one not tried yet;
     * made at the first retry, as most calls make one attempt.
     */
    private Endpoint[] tried;
    private Endpoint current;
    private long attemptStartNanos;
    /** The attempt in flight is bounded by the service's {@link FailoverTimeout}, not by the policy. */
    private boolean failoverBounded;
    private boolean holdsPendingSlot;
    private String stopReason = "no retry policy";
    private boolean ended;
    /** What the application gets, as Istio reports it; set when the call's outcome is decided. */
    private int outcomeCode;
    private ResponseFlags outcomeFlags = ResponseFlags.DC;
    /** The request's body size, -1 unknown; the answer's peer header and body size, from the response given to the application. */
    private long requestBodyBytes = -1;
    private String answerPeer;
    private long responseBodyBytes = -1;

    MeshHttpCall(Service service, String method, String rawPath, String rawQuery, long nowNanos) {
        this.service = service;
        this.method = method;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.idempotent = method != null && IDEMPOTENT.contains(method);
        this.startNanos = nowNanos;
        this.admitted = service.breaker().tryStartRequest();
        if (!admitted) {
            service.metrics().recordConcurrencyRejection();
        }
    }

    @Override
    public <R> R execute(HttpTransport<R> transport) throws IOException {
        int localStatus = route(transport);
        if (localStatus != 0) {
            try {
                return transport.localReply(localStatus, localReplyReason());
            } finally {
                end();
            }
        }
        prepare(transport);
        if (delayNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(delayNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end();
                throw new InterruptedIOException("interrupted during an injected delay");
            }
            delayOver();
        }
        return BlockingAttempts.run(this, transport);
    }

    @Override
    public <R> CompletableFuture<R> executeAsync(AsyncHttpTransport<R> transport) {
        int localStatus = route(transport);
        if (localStatus != 0) {
            end();
            return transport.localReply(localStatus, localReplyReason());
        }
        prepare(transport);
        return AsyncAttempts.start(this, transport, delayNanos);
    }

    /**
     * Chooses the request's route, and with it the policy its attempts follow, the pool they go
     * to, and whether the mesh answers it itself.
     *
     * @return the status of the mesh's own reply (429 over a rate limit, a fault's abort), or 0
     *     to send the request
     */
    int route(RequestHeaders headers) {
        ServiceConfig config = service.config();
        route = service.route(method, rawPath, rawQuery, headers);
        RouteConfig routeConfig = route == null ? null : route.config();
        retries = routeConfig != null && routeConfig.retries() != null ? routeConfig.retries() : config.retries();
        timeout = routeConfig != null && routeConfig.timeout() != null ? routeConfig.timeout() : config.timeout();
        startDeadline(startNanos);
        hashOn(routeConfig != null && routeConfig.hashKey() != null ? routeConfig.hashKey() : config.hashKey(), headers);
        TokenBucket limit = route != null && route.rateLimit() != null ? route.rateLimit() : service.rateLimit();
        if (limit != null && !limit.tryAcquire()) {
            outcome(429, ResponseFlags.RL);
            return 429;
        }
        FaultPolicy fault = routeConfig == null ? null : routeConfig.fault();
        if (fault != null && fault.abortPercent() > 0 && chance(fault.abortPercent())) {
            outcome(fault.abortStatus(), ResponseFlags.FI);
            return fault.abortStatus();
        }
        if (fault != null && fault.delayPercent() > 0 && chance(fault.delayPercent())) {
            delayNanos = fault.delay().toNanos();
        }
        pool = route == null ? service.whole() : route.pool(requestHash, keyed);
        MirrorPolicy mirror = routeConfig == null ? null : routeConfig.mirror();
        if (mirror != null && (idempotent || mirror.nonIdempotent()) && chance(mirror.percent())) {
            mirrorTo = route.mirror().pick(requestHash);
        }
        if (admitted) {
            service.budget().recordRequest(startNanos);
        }
        return 0;
    }

    /** What happens to a request the mesh sends: it says who calls, and is copied to a mirror. */
    private void prepare(ApplicationRequest request) {
        request.setHeader(ServedRequest.PEER_HEADER, service.metrics().callerHeader());
        requestBodyBytes = request.requestBodyBytes();
        if (mirrorTo != null) {
            service.mirroring().send(request, mirrorTo, timeout == null ? 0 : timeout.toMillis());
        }
    }

    /** An injected delay ended: the call's timeout starts now, as Envoy's router timer starts after its fault filter. */
    void delayOver() {
        startDeadline(service.clock().nanoTime());
    }

    private void startDeadline(long nowNanos) {
        deadlineNanos = timeout == null ? 0 : nowNanos + timeout.toNanos();
    }

    private static boolean chance(double percent) {
        return percent >= 100 || ThreadLocalRandom.current().nextDouble(100) < percent;
    }

    private String localReplyReason() {
        String where = route == null ? "" : " (route " + route.name() + ")";
        return prefix() + (outcomeFlags == ResponseFlags.RL ? "rate limited" : "fault injected") + where
                + ": answered " + outcomeCode + " by the mesh";
    }

    /** Sets the request's hash from its key: the path, a query parameter or a header, as the policy says. */
    private void hashOn(HashKey key, RequestHeaders headers) {
        String value = key == null ? null : switch (key.source()) {
            case PATH -> rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
            case QUERY -> RouteSelector.queryParameter(rawQuery, key.name());
            case HEADER -> headers.header(key.name());
            case SOURCE_IP -> null; // a tcp key, never on an http service
        };
        keyed = value != null;
        // Without its key, a request is hashed at random (no endpoint takes every keyless one).
        requestHash = keyed ? Hashing.xxHash64(value) : key == null ? 0 : randomHash();
    }

    /**
     * The bound for the next attempt in milliseconds, {@link #NO_TIMEOUT} or {@link #EXPIRED}.
     *
     * @param boundEndsAtHead the transport's bound ends at the response head, so the mesh may
     *     put its failover bound on an attempt without cutting off a body the application is reading
     */
    long attemptTimeoutMillis(boolean boundEndsAtHead) {
        long now = service.clock().nanoTime();
        failoverBounded = retries.perTryTimeout() == null && boundEndsAtHead && failoverBounds(now);
        long perTry = retries.perTryTimeout() != null ? retries.perTryTimeout().toMillis()
                : failoverBounded ? service.failoverTimeout().boundMillis(now)
                : NO_TIMEOUT;
        if (timeout == null) {
            return perTry;
        }
        long remaining = deadlineNanos - now;
        if (remaining <= 0) {
            outcome(504, ResponseFlags.UT);
            return EXPIRED;
        }
        long remainingMillis = Math.max(1, (remaining + 999_999) / 1_000_000);
        return perTry == NO_TIMEOUT ? remainingMillis : Math.min(perTry, remainingMillis);
    }

    /**
     * Whether the mesh bounds the attempt that starts now by the failover bound: when, timed
     * out, it could be retried on another endpoint, so the bound never fails a call that
     * waiting on a fresh endpoint would have answered; and when it goes back to an endpoint
     * this call has tried already (every one was), where waiting out the host that failed it
     * once would only stall the call.
     */
    private boolean failoverBounds(long now) {
        int endpoints = pool.endpoints().size();
        if (!(idempotent || retries.retryNonIdempotent()) || endpoints < 2) {
            return false;
        }
        return attempts >= endpoints
                || (attempts + 1 < retries.attempts() && service.budget().hasRetry(now));
    }

    /**
     * Starts the next attempt.
     *
     * @return where to send it
     * @throws IOException when the mesh cannot serve the call; the message names the service
     *     and the reason (breaker open, no healthy endpoint)
     */
    InetSocketAddress nextEndpoint() throws IOException {
        if (!admitted) {
            outcome(503, ResponseFlags.UO);
            throw new IOException(prefix() + "circuit breaker open: "
                    + service.breaker().policy().maxConcurrentRequests() + " requests in flight (maxConcurrentRequests)");
        }
        releasePendingSlot();
        if (attempts == 1) {
            tried = new Endpoint[retries.attempts()];
            tried[0] = first;
        }
        Endpoint picked = attempts == 0 ? pool.pick(requestHash) : pool.pickRetry(tried, attempts);
        if (picked == null) {
            outcome(503, ResponseFlags.UH);
            throw new IOException(prefix() + "no healthy endpoint (" + pool.noEndpointReason() + ")");
        }
        if (attempts == 0) {
            first = picked;
        } else {
            tried[attempts] = picked;
        }
        attempts++;
        current = picked;
        attemptStartNanos = service.clock().nanoTime();
        picked.load().started();
        return picked.address();
    }

    /** The attempt got a response with this status; {@link #DONE} or nanoseconds to wait before the next. */
    long onResponse(int status) {
        if (current == null) {
            return DONE; // no attempt in flight: a library reporting twice must not break the call
        }
        long now = service.clock().nanoTime();
        long rtt = now - attemptStartNanos;
        Endpoint endpoint = finishAttempt(now, rtt);
        service.failoverTimeout().record(rtt);
        if (status >= 500) {
            endpoint.stats().failure(rtt);
            service.outliers().onError(endpoint);
        } else {
            endpoint.stats().success(rtt);
            service.outliers().onSuccess(endpoint);
        }
        if (!service.retriesStatus(status)) {
            outcome(status, ResponseFlags.NONE);
            return DONE;
        }
        // A response means the request reached the server.
        long verdict = retryAfter(true, false, false, now);
        if (verdict == DONE) {
            outcome(status, attempts > 1 ? ResponseFlags.URX : ResponseFlags.NONE);
        }
        return verdict;
    }

    /** The attempt failed; {@link #DONE} or nanoseconds to wait before the next. */
    long onFailure(FailureKind kind) {
        if (current == null) {
            return DONE;
        }
        long now = service.clock().nanoTime();
        Endpoint endpoint = finishAttempt(now, -1);
        // Its attempt before this one failed too: an endpoint that is not answering.
        boolean alreadyFailing = endpoint.health().consecutiveErrors() > 0;
        if (kind == FailureKind.OTHER) {
            stopReason = "not retryable";
            outcome(0, ResponseFlags.DC);
            return DONE;
        }
        endpoint.stats().failure(-1);
        service.outliers().onError(endpoint);
        int code = kind == FailureKind.TIMEOUT ? 504 : 503;
        ResponseFlags flags = switch (kind) {
            case CONNECT_FAILURE, REFUSED_STREAM -> ResponseFlags.UF;
            case TIMEOUT -> ResponseFlags.UT;
            default -> ResponseFlags.UC;
        };
        if (!retriedOn(kind)) {
            stopReason = describe(kind) + " is not in retryOn";
            outcome(code, flags);
            return DONE;
        }
        boolean requestSent = kind == FailureKind.RESET || kind == FailureKind.TIMEOUT;
        // Like a request that never reached a server, one cut by the failover bound on an
        // endpoint that answers nothing adds no load to the service: it is not drawn from the
        // budget, so a silent host cannot use the budget up and leave later calls unbounded.
        boolean addsNoLoad = !requestSent || (kind == FailureKind.TIMEOUT && failoverBounded && alreadyFailing);
        long verdict = retryAfter(requestSent, addsNoLoad, kind == FailureKind.TIMEOUT && failoverBounded, now);
        if (verdict == DONE) {
            outcome(code, attempts > 1 ? flags.retriesExhausted() : flags);
        }
        return verdict;
    }

    /** The failure to give the application after the last attempt failed with {@code last}. */
    IOException finalFailure(IOException last) {
        if (last instanceof ConnectException) {
            ConnectException named = new ConnectException(prefix() + "no endpoint reachable ("
                    + stopReason + "); last: " + describe(last));
            named.initCause(last);
            return named;
        }
        return last;
    }

    /** Where the call's attempts read the time and set their timers. */
    MeshClock clock() {
        return service.clock();
    }

    /** Why an attempt was given up at its bound, for the library's timeout exception. */
    String attemptTimeoutMessage(long boundMillis) {
        if (timeout != null && deadlineNanos - service.clock().nanoTime() <= 0) {
            return timeoutMessage();
        }
        return prefix() + "no response within " + boundMillis + " ms (attempt " + attempts + ")";
    }

    /** Why the call's deadline passed, for the library's timeout exception. */
    String timeoutMessage() {
        return prefix() + "timeout " + Durations.format(timeout) + " exceeded after " + attempts + " attempt(s)";
    }

    /** The response given to the application: its {@code x-jmesh-peer} and {@code Content-Length} headers, or nulls. */
    void answered(String peerHeader, String contentLength) {
        answerPeer = peerHeader;
        responseBodyBytes = ApplicationRequest.contentLength(contentLength);
    }

    /** Releases what the call held and records it; exactly once, later calls do nothing. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (current != null) {
            finishAttempt(service.clock().nanoTime(), -1);
        }
        releasePendingSlot();
        if (admitted) {
            service.breaker().endRequest();
        }
        long nanos = service.clock().nanoTime() - startNanos;
        ServiceMetrics metrics = pool == null ? service.metrics() : pool.requests();
        metrics.requests(service.securedAs(), answerPeer)
                .record(outcomeCode, outcomeFlags, nanos, requestBodyBytes, responseBodyBytes);
        AccessLog accessLog = service.metrics().accessLog();
        if (accessLog != null) {
            Endpoint last = attempts == 0 ? null : attempts == 1 ? first : tried[attempts - 1];
            long millis = nanos / 1_000_000;
            String path = rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
            accessLog.log(new AccessLogEntry(System.currentTimeMillis() - millis, true, method, path, null,
                    outcomeCode, outcomeFlags.label(), requestBodyBytes, responseBodyBytes, millis, service.name(),
                    last == null ? null : last.key(), metrics.workload()));
        }
    }

    static long randomHash() {
        return ThreadLocalRandom.current().nextLong();
    }

    private boolean retriedOn(FailureKind kind) {
        return switch (kind) {
            case CONNECT_FAILURE -> retries.retryOn().has(Condition.CONNECT_FAILURE);
            case REFUSED_STREAM -> retries.retryOn().has(Condition.REFUSED_STREAM);
            case RESET -> retries.retryOn().has(Condition.RESET);
            // The mesh's own bound is always retried (that is what it is for); a perTryTimeout is,
            // by Envoy's rule, as a reset or a gateway error. Any other timeout is the
            // application's own: its deadline, not retried.
            case TIMEOUT -> failoverBounded || (retries.perTryTimeout() != null
                    && (retries.retryOn().has(Condition.RESET) || retries.retryOn().has(Condition.SERVER_ERROR)
                            || retries.retryOn().has(Condition.GATEWAY_ERROR)));
            default -> false;
        };
    }

    /**
     * Decides whether the next attempt may start, and after how long.
     *
     * @param addsNoLoad the retry adds no load to the service, so the budget is not asked
     * @param admitted   the budget admitted this retry when the attempt started (the failover
     *     bound is only set when it can be retried), so it is counted, not asked again
     */
    private long retryAfter(boolean requestSent, boolean addsNoLoad, boolean admitted, long now) {
        if (attempts >= retries.attempts()) {
            stopReason = attempts + " attempt(s) made";
            return DONE;
        }
        if (requestSent && !idempotent && !retries.retryNonIdempotent()) {
            stopReason = "a " + method + " that may have reached the server is not retried";
            return DONE;
        }
        if (timeout != null && deadlineNanos - now <= 0) {
            stopReason = "timeout " + Durations.format(timeout);
            return DONE;
        }
        // The budget caps the load retries add.
        if (admitted && !addsNoLoad) {
            service.budget().recordAdmittedRetry(now);
        } else if (!addsNoLoad && !service.budget().tryRetry(now)) {
            stopReason = "retry budget exhausted";
            service.metrics().recordRetryBudgetExhausted();
            return DONE;
        }
        if (!service.breaker().tryStartPending()) {
            stopReason = "too many retries waiting (maxPendingRequests)";
            service.metrics().recordPendingRejection();
            return DONE;
        }
        holdsPendingSlot = true;
        service.metrics().recordRetry();
        long wait = fullJitter(attempts);
        return timeout == null ? wait : Math.max(0, Math.min(wait, deadlineNanos - now));
    }

    /** Uniform in [0, min(max, base * 2^(retry - 1))]. */
    private long fullJitter(int retry) {
        long base = retries.backoff().base().toNanos();
        long max = retries.backoff().max().toNanos();
        long cap = retry >= 62 || base << (retry - 1) < 0 ? max : Math.min(max, base << (retry - 1));
        return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private void outcome(int code, ResponseFlags flags) {
        outcomeCode = code;
        outcomeFlags = flags == ResponseFlags.NONE && delayNanos > 0 ? ResponseFlags.DI : flags;
    }

    private Endpoint finishAttempt(long now, long rttNanos) {
        Endpoint endpoint = current;
        current = null;
        endpoint.load().finished(rttNanos, now);
        return endpoint;
    }

    private void releasePendingSlot() {
        if (holdsPendingSlot) {
            holdsPendingSlot = false;
            service.breaker().endPending();
        }
    }

    private String prefix() {
        return "jmesh: " + service.name() + ": ";
    }

    /**
     * The mesh's own reason if a cause has one (a TLS policy it could not meet), else the first
     * message in the chain, else the type: the JDK's ConnectException may carry none.
     */
    private static String describe(Throwable failure) {
        String first = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.startsWith("jmesh: ")) {
                return message;
            }
            if (first == null) {
                first = message;
            }
        }
        return first != null ? first : failure.getClass().getSimpleName();
    }

    private static String describe(FailureKind kind) {
        return switch (kind) {
            case CONNECT_FAILURE -> "connect-failure";
            case REFUSED_STREAM -> "refused-stream";
            case RESET -> "reset";
            case TIMEOUT -> "per-try timeout";
            default -> "failure";
        };
    }
}

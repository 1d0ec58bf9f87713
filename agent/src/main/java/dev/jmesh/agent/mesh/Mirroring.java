package dev.jmesh.agent.mesh;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.bootstrap.ApplicationRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of a service's requests for its routes' mirrors, sent by the application's own client
 * library, fire and forget. A mirror never holds the caller: copies are bounded per service
 * (beyond {@link #MAX_IN_FLIGHT} a copy is dropped and counted), each by a timeout, and
 * nothing of theirs reaches the call.
 */
final class Mirroring {

    /** Copies in flight per service; a mirror that hangs costs at most this many. */
    static final int MAX_IN_FLIGHT = 64;
    /** A copy's own bound when neither the route nor the service has a timeout (Envoy's route default). */
    static final long DEFAULT_TIMEOUT_MILLIS = 15_000;
    /** Client libraries already named as unable to copy, by class name (no loader is kept), so each is named once. */
    private static final Set<String> UNSUPPORTED_NAMED = ConcurrentHashMap.newKeySet();

    private final String service;
    private final ServiceMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Runnable done = inFlight::decrementAndGet;

    Mirroring(String service, ServiceMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    void send(ApplicationRequest request, Endpoint endpoint, long timeoutMillis) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            metrics.recordMirror(false, true);
            return;
        }
        boolean sent;
        try {
            sent = request.mirror(endpoint.address(), timeoutMillis > 0 ? timeoutMillis : DEFAULT_TIMEOUT_MILLIS, done);
        } catch (RuntimeException | LinkageError e) {
            sent = false; // an adapter that failed to copy: the call goes on
        }
        if (!sent) {
            inFlight.decrementAndGet();
            metrics.recordMirror(false, false);
            if (UNSUPPORTED_NAMED.add(request.getClass().getName())) {
                AgentLog.line(service + ": requests made with " + request.getClass().getName()
                        + " cannot be mirrored; they go to their route as usual, without a copy");
            }
            return;
        }
        metrics.recordMirror(true, false);
    }
}

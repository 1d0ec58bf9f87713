package dev.jmesh.agent.health;

import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.routing.EndpointHealth;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.OutlierDetectionPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ejects endpoints that fail {@code consecutiveErrors} times in a row (Envoy's consecutive
 * 5xx / gateway-failure detection): for {@code baseEjectionTime} times the number of times
 * the endpoint has been ejected, at most 300 s; never more than {@code maxEjectionPercent} of
 * the endpoints (at least one may always go, when there are two or more) and never the last
 * one in rotation. An ejected endpoint returns when its time is up; each quiet
 * {@code interval} forgives one past ejection.
 *
 * <p>Success reports are one volatile read; ejections, rare, take a lock.
 */
public final class OutlierDetector implements AutoCloseable {

    static final long MAX_EJECTION_NANOS = TimeUnit.SECONDS.toNanos(300);

    private final OutlierDetectionPolicy policy;
    private final List<Endpoint> endpoints;
    private final Runnable rotationChanged;
    private final ServiceMetrics metrics;
    private final MeshClock clock;
    /** Started by the first ejection: until then there is nothing to forgive (and no timer thread at start-up). */
    private MeshClock.Timer forgiveness;
    private volatile boolean closed;

    /**
     * @param policy          null disables detection
     * @param rotationChanged called, under no lock of ours, after an endpoint leaves or returns
     */
    public OutlierDetector(OutlierDetectionPolicy policy, List<Endpoint> endpoints, Runnable rotationChanged,
                           ServiceMetrics metrics, MeshClock clock) {
        this.policy = policy;
        this.endpoints = List.copyOf(endpoints);
        this.rotationChanged = rotationChanged;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void onSuccess(Endpoint endpoint) {
        if (policy != null) {
            endpoint.health().recordSuccess();
        }
    }

    public void onError(Endpoint endpoint) {
        // Once closed (its service replaced), a late call's error ejects nothing: the endpoint may
        // live on in the next table, whose detector alone may take it out of rotation and bring it back.
        if (policy != null && !closed && endpoint.health().recordError() >= policy.consecutiveErrors()) {
            if (eject(endpoint, clock.nanoTime())) {
                rotationChanged.run();
            }
        }
    }

    /** How many endpoints are ejected now. */
    public int ejectedCount() {
        int ejected = 0;
        for (Endpoint e : endpoints) {
            if (e.health().ejected()) {
                ejected++;
            }
        }
        return ejected;
    }

    private synchronized boolean eject(Endpoint endpoint, long now) {
        EndpointHealth health = endpoint.health();
        if (health.ejected()) {
            return false;
        }
        int total = endpoints.size();
        int ejected = ejectedCount();
        int inRotation = 0;
        for (Endpoint e : endpoints) {
            if (e.health().inRotation()) {
                inRotation++;
            }
        }
        int allowed = Math.max(total > 1 ? 1 : 0, total * policy.maxEjectionPercent() / 100);
        if (ejected >= allowed || inRotation <= 1 || policy.maxEjectionPercent() == 0) {
            return false;
        }
        long duration = Math.min(Math.max(MAX_EJECTION_NANOS, policy.baseEjectionTime().toNanos()),
                policy.baseEjectionTime().toNanos() * (health.ejections() + 1));
        health.eject(now + duration);
        metrics.recordEjection();
        clock.schedule(() -> restore(endpoint), duration);
        startForgiving();
        return true;
    }

    private synchronized void startForgiving() {
        if (policy != null && forgiveness == null && !closed) {
            forgiveness = clock.scheduleAtFixedRate(this::forgive, policy.interval().toNanos());
        }
    }

    /**
     * Takes over an endpoint that a previous detector ejected: it returns to this detector's
     * rotation when its ejection time is up (whichever detector's timer ends the ejection).
     */
    public void adopt(Endpoint endpoint) {
        long delay = Math.max(0, endpoint.health().ejectedUntilNanos() - clock.nanoTime());
        startForgiving();
        clock.schedule(() -> {
            synchronized (this) {
                if (endpoint.health().ejected()) {
                    endpoint.health().unEject();
                    endpoint.enteredRotation(clock.nanoTime());
                }
            }
            rotationChanged.run();
        }, delay);
    }

    private void restore(Endpoint endpoint) {
        synchronized (this) {
            EndpointHealth health = endpoint.health();
            if (!health.ejected()) {
                return;
            }
            health.unEject();
            endpoint.enteredRotation(clock.nanoTime());
        }
        rotationChanged.run();
    }

    private synchronized void forgive() {
        for (Endpoint e : endpoints) {
            if (!e.health().ejected()) {
                e.health().forgiveOneEjection();
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (forgiveness != null) {
            forgiveness.cancel();
        }
    }
}

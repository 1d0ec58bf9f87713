package dev.jmesh.agent.mesh;

import dev.jmesh.agent.metrics.ServiceMetrics;
import dev.jmesh.agent.routing.Balancer;
import dev.jmesh.agent.routing.Balancers;
import dev.jmesh.agent.routing.Endpoint;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.BalancerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Endpoints a call is balanced over: the whole service, or one of its subsets. Its endpoints
 * are the service's own objects, so health, load and ejections are shared by every pool an
 * endpoint is in. The pick path reads one volatile {@link Rotation}.
 *
 * <p>Locality, when this workload has a zone and the pool has endpoints in it: as Envoy with
 * the local zone at priority 0 and the rest at 1, traffic stays in the zone while at least
 * 1/1.4 of its endpoints are in rotation, and spills over in proportion when fewer are
 * (local share = min(1, 1.4 × in rotation / all, in the zone)).
 */
final class EndpointPool {

    /** Envoy's overprovisioning factor: a zone with 72 % of its endpoints healthy still takes all. */
    static final double OVERPROVISIONING = 1.4;

    private final String subset;
    /** Where the requests balanced over this pool are counted. */
    private final ServiceMetrics requests;
    private final List<Endpoint> endpoints;
    private final BalancerKind balancer;
    private final Duration slowStart;
    private final MeshClock clock;
    private final String localZone;
    private final int localCount;
    private volatile Rotation rotation;

    /**
     * @param subset    the subset's name, or null for the whole service
     * @param localZone this workload's zone, or null for no locality
     */
    EndpointPool(String subset, ServiceMetrics requests, List<Endpoint> endpoints, BalancerKind balancer,
                 Duration slowStart, MeshClock clock, String localZone) {
        this.subset = subset;
        this.requests = requests;
        this.endpoints = List.copyOf(endpoints);
        this.balancer = balancer;
        this.slowStart = slowStart;
        this.clock = clock;
        this.localZone = localZone;
        this.localCount = localZone == null ? 0
                : (int) this.endpoints.stream().filter(e -> localZone.equals(e.zone())).count();
        refresh();
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    ServiceMetrics requests() {
        return requests;
    }

    Rotation rotation() {
        return rotation;
    }

    /** Picks an endpoint in rotation for a first attempt; {@code null} when none is in rotation. */
    Endpoint pick(long requestHash) {
        Rotation current = rotation;
        return current.isEmpty() ? null : current.pick(requestHash);
    }

    /**
     * Picks an endpoint for a retry, without a balancer turn (so an endpoint that fails does not
     * take the first attempt of every call): the next one in rotation after the last one tried
     * that the call has not tried (the first {@code triedCount} of {@code tried}), as Envoy's
     * previous-hosts retry predicate does; then, rather than repeat a failure, one out of
     * rotation the call has not tried (ejected a while ago, and perhaps back: a panic for this
     * one call, as Envoy routes to every host when too few are healthy); once every endpoint was
     * tried, the next in rotation after the last one tried. While the local zone takes all
     * traffic, an untried endpoint in it comes first.
     *
     * @return the endpoint, or {@code null} when none is in rotation
     */
    Endpoint pickRetry(Endpoint[] tried, int triedCount) {
        Rotation current = rotation;
        if (current.isEmpty()) {
            return null;
        }
        Endpoint local = current.untriedLocal(tried, triedCount);
        if (local != null) {
            return local;
        }
        Endpoint next = current.after(tried[triedCount - 1]);
        Endpoint untried = current.untried(next, tried, triedCount);
        if (untried != null) {
            return untried;
        }
        for (Endpoint e : endpoints) {
            if (!Rotation.contains(tried, triedCount, e)) {
                return e;
            }
        }
        return next;
    }

    /** Why no endpoint is in rotation, e.g. {@code 3 of 3 ejected or failing health checks}. */
    String noEndpointReason() {
        String of = subset == null ? "" : " in subset " + subset;
        return endpoints.isEmpty() ? "no endpoint" + of + " carries its labels"
                : endpoints.size() + " of " + endpoints.size() + of + " ejected or failing health checks";
    }

    /** Rebuilds the rotation after an endpoint left or returned; called under the service's lock. */
    void refresh() {
        List<Endpoint> inRotation = new ArrayList<>(endpoints.size());
        List<Endpoint> local = new ArrayList<>();
        List<Endpoint> remote = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.health().inRotation()) {
                inRotation.add(e);
                (Objects.equals(localZone, e.zone()) ? local : remote).add(e);
            }
        }
        Endpoint[] array = inRotation.toArray(new Endpoint[0]);
        if (inRotation.isEmpty()) {
            rotation = new Rotation(array, null);
        } else if (localCount == 0 || local.isEmpty() || remote.isEmpty()) {
            rotation = new Rotation(array, balancer(inRotation));
        } else {
            double share = Math.min(1.0, OVERPROVISIONING * local.size() / localCount);
            rotation = new Rotation(array, balancer(inRotation), local.toArray(new Endpoint[0]), balancer(local),
                    balancer(remote), (int) Math.round(share * Rotation.ALL_LOCAL));
        }
    }

    private Balancer balancer(List<Endpoint> in) {
        return Balancers.create(balancer, in, slowStart, clock);
    }
}

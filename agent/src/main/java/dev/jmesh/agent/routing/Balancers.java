package dev.jmesh.agent.routing;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.BalancerKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Builds the balancer a policy names. */
public final class Balancers {

    private static final Comparator<Endpoint> BY_KEY =
            Comparator.comparing(Endpoint::key).thenComparingInt(Endpoint::weight);

    private Balancers() {}

    /** A balancer without slow start, on the system clock. */
    public static Balancer create(BalancerKind kind, List<Endpoint> endpoints) {
        return create(kind, endpoints, null, MeshClock.SYSTEM);
    }

    /**
     * @param endpoints the endpoints in rotation, at least one; a new balancer is built when
     *     they change
     * @param slowStart the ramp-up window for endpoints that just entered rotation, or
     *     {@code null} (or zero) for none; applied by {@code random}, {@code least-request} and
     *     {@code p2c-ewma} only, see {@link SlowStart}
     * @param clock     what slow start and latency decay read the time from
     */
    public static Balancer create(BalancerKind kind, List<Endpoint> endpoints, Duration slowStart, MeshClock clock) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one endpoint");
        }
        long slowStartNanos = SlowStart.windowNanos(slowStart);
        return switch (kind) {
            case ROUND_ROBIN -> new RoundRobinBalancer(endpoints);
            case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobinBalancer(endpoints);
            case RANDOM -> new RandomBalancer(endpoints, slowStartNanos, clock);
            case LEAST_REQUEST -> new LeastRequestBalancer(endpoints, slowStartNanos, clock);
            case P2C_EWMA -> new PeakEwmaBalancer(endpoints, slowStartNanos, clock);
            case RING_HASH -> new RingHashBalancer(endpoints);
            case MAGLEV -> new MaglevBalancer(endpoints);
        };
    }

    /**
     * The endpoints ordered by key, then weight: the order hashing balancers build from, so
     * that their tables do not depend on the order of the list they were given.
     */
    static Endpoint[] sortedByKey(List<Endpoint> endpoints) {
        Endpoint[] sorted = endpoints.toArray(new Endpoint[0]);
        Arrays.sort(sorted, BY_KEY);
        return sorted;
    }
}

package dev.jmesh.agent.routing;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One backend of a service: its fixed description and the live load figures the balancers
 * read. Built once per route table; its mutable parts are lock-free counters.
 */
public final class Endpoint {

    private final InetSocketAddress address;
    private final int weight;
    private final String zone;
    private final String key;
    private final EndpointLoad load;
    private final EndpointHealth health = new EndpointHealth();
    private final EndpointStats stats = new EndpointStats();
    /** When it last entered rotation (start, or return from ejection), for slow start. */
    private volatile long inRotationSinceNanos;

    /**
     * @param address where to connect; resolved when the route table is built, never per call
     * @param weight  relative share for weight-aware balancers, at least 1
     * @param zone    locality label, or {@code null}
     * @param nowNanos the mesh clock's time: it enters rotation now
     */
    public Endpoint(InetSocketAddress address, int weight, String zone, long nowNanos) {
        this.address = Objects.requireNonNull(address, "address");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
        this.weight = weight;
        this.zone = zone;
        this.key = (address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress())
                + ":" + address.getPort();
        this.inRotationSinceNanos = nowNanos;
        this.load = new EndpointLoad(nowNanos);
    }

    public InetSocketAddress address() {
        return address;
    }

    public int weight() {
        return weight;
    }

    public String zone() {
        return zone;
    }

    /** {@code ip:port}: stable across JVMs, so consistent hashing agrees between processes. */
    public String key() {
        return key;
    }

    public EndpointLoad load() {
        return load;
    }

    public EndpointStats stats() {
        return stats;
    }

    public EndpointHealth health() {
        return health;
    }

    public long inRotationSinceNanos() {
        return inRotationSinceNanos;
    }

    public void enteredRotation(long nowNanos) {
        inRotationSinceNanos = nowNanos;
    }

    @Override
    public String toString() {
        return key;
    }
}

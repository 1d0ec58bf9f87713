package dev.jmesh.agent.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint's live load: requests in flight, and Linkerd's peak-EWMA round-trip time (a
 * slower response is taken at once; faster ones pull the average down with a 10 s decay).
 *
 * <p>Updates are lock-free and may race; a lost EWMA update only blurs an average that is
 * an estimate anyway.
 */
public final class EndpointLoad {

    /** The RTT assumed before the first response (Linkerd's default). */
    static final long DEFAULT_RTT_NANOS = 30_000_000L;
    static final double DECAY_NANOS = 10_000_000_000.0;

    private final AtomicInteger active = new AtomicInteger();
    private volatile long costNanos = DEFAULT_RTT_NANOS;
    private volatile long stampNanos;

    EndpointLoad(long nowNanos) {
        this.stampNanos = nowNanos;
    }

    public int active() {
        return active.get();
    }

    public void started() {
        active.incrementAndGet();
    }

    /** One request finished after {@code rttNanos}; {@code rttNanos < 0} if it never got an answer. */
    public void finished(long rttNanos, long nowNanos) {
        active.decrementAndGet();
        if (rttNanos >= 0) {
            observe(rttNanos, nowNanos);
        }
    }

    /** The decayed peak-EWMA round-trip time, in nanoseconds. */
    public double costNanos(long nowNanos) {
        // With no new samples the cost decays towards zero, so an idle endpoint gets tried again.
        return costNanos * decay(nowNanos);
    }

    /** A round-trip sample outside a request: how long a tcp connect took. */
    public void observe(long rttNanos, long nowNanos) {
        double w = decay(nowNanos);
        double current = costNanos * w;
        costNanos = rttNanos > current ? rttNanos : (long) (current * w + rttNanos * (1 - w));
        stampNanos = nowNanos;
    }

    /** The weight the last sample keeps after the time since it: e^(-elapsed / 10 s). */
    private double decay(long nowNanos) {
        return Math.exp(-Math.max(0, nowNanos - stampNanos) / DECAY_NANOS);
    }
}

package dev.jmesh.agent;

import dev.jmesh.agent.control.ControlLink;
import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.policy.Durations;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the agent does as the JVM exits (a SIGTERM from Kubernetes, {@code System.exit}), in
 * this order: GOODBYE on the control link, so the control plane deregisters this workload and
 * its callers stop picking it; the inbound port stops accepting, so a late caller is refused
 * and fails over rather than being cut off mid-call; then the calls in flight get up to the
 * drain time to finish, and the application a quiet {@link #SETTLE} after the last of them to
 * use their answers (print, reply, make the next call). The JVM halts only once every shutdown
 * hook has returned, so this wait is what lets them finish.
 */
final class GracefulShutdown implements Runnable {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration SETTLE = Duration.ofMillis(250);

    private final MeshRouter router;
    private final ControlLink link;
    private final Duration drainTime;

    private GracefulShutdown(MeshRouter router, ControlLink link, Duration drainTime) {
        this.router = router;
        this.link = link;
        this.drainTime = drainTime;
    }

    /** @param link the control link, or null */
    static void register(MeshRouter router, ControlLink link, Duration drainTime) {
        Runtime.getRuntime().addShutdownHook(new Thread(new GracefulShutdown(router, link, drainTime), "jmesh-shutdown"));
    }

    @Override
    public void run() {
        if (link != null) {
            link.close();
        }
        router.stopAcceptingInbound();
        long start = System.nanoTime();
        int atStart = router.callsInFlight();
        if (atStart == 0) {
            return;
        }
        int inFlight = atStart;
        long lastBusy = start;
        long now = start;
        while (now - start < drainTime.toNanos() && now - lastBusy < SETTLE.toNanos()) {
            try {
                TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
            } catch (InterruptedException e) {
                break;
            }
            now = System.nanoTime();
            inFlight = router.callsInFlight();
            if (inFlight > 0) {
                lastBusy = now;
            }
        }
        AgentLog.line("shutdown: " + (inFlight == 0
                ? atStart + " call(s) in flight finished in " + TimeUnit.NANOSECONDS.toMillis(lastBusy - start) + " ms"
                : inFlight + " of " + atStart + " call(s) in flight still running after the drain time "
                        + Durations.format(drainTime)));
    }
}

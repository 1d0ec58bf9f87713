package dev.jmesh.agent.time;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link MeshClock#SYSTEM}: {@link System#nanoTime()}, and the agent's one timer thread for
 * ejection expiry and health probes, created on first use, a daemon so it never keeps the
 * application alive.
 */
final class SystemClock implements MeshClock {

    private static final class Holder {
        static final ScheduledExecutorService TIMER = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "jmesh-timer");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
        return cancelling(Holder.TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public Timer scheduleAtFixedRate(Runnable task, long periodNanos) {
        return cancelling(Holder.TIMER.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
    }

    private static Timer cancelling(ScheduledFuture<?> future) {
        return () -> future.cancel(false);
    }
}

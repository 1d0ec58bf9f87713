package dev.jmesh.agent.health;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The agent's one timer thread, for ejection expiry and health probes. Created on first use,
 * a daemon so it never keeps the application alive.
 */
public final class Scheduler {

    private Scheduler() {}

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

    public static ScheduledExecutorService timer() {
        return Holder.TIMER;
    }
}

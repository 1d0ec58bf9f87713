package dev.jmesh.agent.time;

/**
 * Where the mesh's policy reads the time and sets its timers: deadlines, backoff, the retry
 * budget's window, ejections and their return, health probes, slow start, latency decay. The
 * agent runs on {@link #SYSTEM}; the core's tests run on a clock they move themselves, so
 * what a policy does after 30 s is checked in microseconds and never depends on a loaded
 * machine's scheduling.
 */
public interface MeshClock {

    /** {@link System#nanoTime()} and the agent's one timer thread. */
    MeshClock SYSTEM = new SystemClock();

    /** Now, in the units and with the meaning of {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once, {@code delayNanos} from now, on the clock's timer. */
    Timer schedule(Runnable task, long delayNanos);

    /** Runs {@code task} every {@code periodNanos}, the first time one period from now. */
    Timer scheduleAtFixedRate(Runnable task, long periodNanos);

    /** A task set on the clock. */
    interface Timer {
        /** The task does not run again (a run under way finishes). */
        void cancel();
    }
}

package dev.jmesh.agent.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock the test moves: {@link #advance} runs, on the test's thread and in order (by due
 * time, then by when they were set), every task that falls due, and a task it schedules in turn runs too if it is due by then. Starts at an
 * arbitrary time far from zero, as {@link System#nanoTime()} may.
 */
public final class FakeClock implements MeshClock {

    private final PriorityQueue<Task> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now = 7_000_000_000_000L;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Timer schedule(Runnable task, long delayNanos) {
        return add(task, now + Math.max(0, delayNanos), 0);
    }

    @Override
    public synchronized Timer scheduleAtFixedRate(Runnable task, long periodNanos) {
        return add(task, now + periodNanos, periodNanos);
    }

    public void advance(Duration by) {
        long until;
        synchronized (this) {
            until = now + by.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = due.peek();
                if (next == null || next.at > until) {
                    now = until;
                    return;
                }
                due.poll();
                now = next.at;
                if (next.period > 0 && !next.cancelled) {
                    due.add(new Task(next.run, next.at + next.period, next.period, sequence++, next));
                }
            }
            if (!next.isCancelled()) {
                next.run.run();
            }
        }
    }

    /** Tasks waiting, cancelled ones not counted. */
    public synchronized int pending() {
        return (int) due.stream().filter(task -> !task.isCancelled()).count();
    }

    private Task add(Runnable run, long at, long period) {
        Task task = new Task(run, at, period, sequence++, null);
        due.add(task);
        return task;
    }

    private static final class Task implements Timer {
        final Runnable run;
        final long at;
        final long period;
        final long order;
        /** The task this repeats, whose cancel cancels the repetitions too. */
        final Task origin;
        volatile boolean cancelled;

        Task(Runnable run, long at, long period, long order, Task previous) {
            this.run = run;
            this.at = at;
            this.period = period;
            this.order = order;
            this.origin = previous == null ? this : previous.origin;
        }

        boolean isCancelled() {
            return origin.cancelled;
        }

        @Override
        public void cancel() {
            origin.cancelled = true;
        }
    }
}

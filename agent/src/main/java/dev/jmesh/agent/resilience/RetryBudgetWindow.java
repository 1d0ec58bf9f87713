package dev.jmesh.agent.resilience;

import dev.jmesh.policy.RetryBudget;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Linkerd-style retry budget over a sliding 10 s window of one-second slots: a retry is
 * allowed while retries in the window stay under {@code minPerSecond * 10 + ratio * requests}.
 *
 * <p>Lock-free: every request bumps its second's striped counter (no cache line shared between
 * threads); a slot whose second has passed is reset by whichever thread first sees it stale.
 * Under a race a handful of counts can land in a slot that is being reset; the budget is a
 * rate, not a ledger.
 */
public final class RetryBudgetWindow {

    static final int SLOTS = 10;

    private final RetryBudget budget;
    private final AtomicLongArray second = new AtomicLongArray(SLOTS);
    private final LongAdder[] requests = new LongAdder[SLOTS];
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);

    public RetryBudgetWindow(RetryBudget budget) {
        this.budget = budget;
        for (int i = 0; i < SLOTS; i++) {
            second.set(i, Long.MIN_VALUE);
            requests[i] = new LongAdder();
        }
    }

    public void recordRequest(long nowNanos) {
        requests[slot(nowNanos)].increment();
    }

    /** Takes one retry from the budget if there is one left. */
    public boolean tryRetry(long nowNanos) {
        int current = slot(nowNanos);
        if (!hasRetry(nowNanos)) {
            return false;
        }
        retries.incrementAndGet(current);
        return true;
    }

    /**
     * Counts a retry the budget already admitted: one whose attempt was started on the
     * understanding that it could be retried (see {@link FailoverTimeout}). The budget may
     * overshoot by the attempts in flight when it ran out, never more.
     */
    public void recordAdmittedRetry(long nowNanos) {
        retries.incrementAndGet(slot(nowNanos));
    }

    /** Whether a retry would be allowed now, taking nothing. */
    public boolean hasRetry(long nowNanos) {
        long now = TimeUnit.NANOSECONDS.toSeconds(nowNanos);
        long requestsInWindow = 0;
        long retriesInWindow = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (now - second.get(i) < SLOTS) {
                requestsInWindow += requests[i].sum();
                retriesInWindow += retries.get(i);
            }
        }
        double allowed = budget.minPerSecond() * (double) SLOTS + budget.ratio() * requestsInWindow;
        return retriesInWindow + 1 <= allowed;
    }

    private int slot(long nowNanos) {
        long now = TimeUnit.NANOSECONDS.toSeconds(nowNanos);
        int i = (int) Math.floorMod(now, (long) SLOTS);
        long seen = second.get(i);
        if (seen != now && second.compareAndSet(i, seen, now)) {
            requests[i].reset();
            retries.set(i, 0);
        }
        return i;
    }
}

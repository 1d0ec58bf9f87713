package dev.jmesh.agent.resilience;

import dev.jmesh.agent.config.RetryBudget;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Linkerd-style retry budget over a sliding 10 s window of one-second slots: a retry is
 * allowed while retries in the window stay under {@code minPerSecond * 10 + ratio * requests}.
 *
 * <p>Lock-free: requests bump one slot's counter; a slot whose second has passed is reset by
 * whichever thread first sees it stale. Under a race a handful of counts can land in a slot
 * that is being reset; the budget is a rate, not a ledger.
 */
public final class RetryBudgetWindow {

    static final int SLOTS = 10;

    private final RetryBudget budget;
    private final AtomicLongArray second = new AtomicLongArray(SLOTS);
    private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);

    public RetryBudgetWindow(RetryBudget budget) {
        this.budget = budget;
        for (int i = 0; i < SLOTS; i++) {
            second.set(i, Long.MIN_VALUE);
        }
    }

    public void recordRequest(long nowNanos) {
        requests.incrementAndGet(slot(nowNanos));
    }

    /** Takes one retry from the budget if there is one left. */
    public boolean tryRetry(long nowNanos) {
        int current = slot(nowNanos);
        long now = TimeUnit.NANOSECONDS.toSeconds(nowNanos);
        long requestsInWindow = 0;
        long retriesInWindow = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (now - second.get(i) < SLOTS) {
                requestsInWindow += requests.get(i);
                retriesInWindow += retries.get(i);
            }
        }
        double allowed = budget.minPerSecond() * (double) SLOTS + budget.ratio() * requestsInWindow;
        if (retriesInWindow + 1 > allowed) {
            return false;
        }
        retries.incrementAndGet(current);
        return true;
    }

    private int slot(long nowNanos) {
        long now = TimeUnit.NANOSECONDS.toSeconds(nowNanos);
        int i = (int) Math.floorMod(now, (long) SLOTS);
        long seen = second.get(i);
        if (seen != now && second.compareAndSet(i, seen, now)) {
            requests.set(i, 0);
            retries.set(i, 0);
        }
        return i;
    }
}

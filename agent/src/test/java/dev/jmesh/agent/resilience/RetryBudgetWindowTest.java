package dev.jmesh.agent.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.policy.RetryBudget;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The budget over its sliding 10 s window, on times the test chooses. */
class RetryBudgetWindowTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    long now = 5_000 * SECOND;

    @Test
    void retriesAreCappedByTheReserveAndTheRatioOfRequests() {
        RetryBudgetWindow window = new RetryBudgetWindow(new RetryBudget(0.2, 1));
        for (int i = 0; i < 50; i++) {
            window.recordRequest(now);
        }
        // 1/s over 10 s, plus 0.2 of 50 requests: 20 retries.
        for (int i = 0; i < 20; i++) {
            assertTrue(window.hasRetry(now));
            assertTrue(window.tryRetry(now), "retry " + (i + 1));
        }
        assertFalse(window.hasRetry(now));
        assertFalse(window.tryRetry(now));
    }

    @Test
    void theWindowForgetsWhatIsTenSecondsOld() {
        RetryBudgetWindow window = new RetryBudgetWindow(new RetryBudget(0, 1));
        for (int i = 0; i < 10; i++) {
            assertTrue(window.tryRetry(now));
        }
        assertFalse(window.tryRetry(now + 9 * SECOND), "the same window: spent");
        assertTrue(window.tryRetry(now + 10 * SECOND), "a slot has aged out");
    }

    @Test
    void peekingTakesNothing() {
        RetryBudgetWindow window = new RetryBudgetWindow(new RetryBudget(0.01, 0)); // 1 retry per 100 requests
        for (int i = 0; i < 100; i++) {
            window.recordRequest(now);
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(window.hasRetry(now));
        }
        assertTrue(window.tryRetry(now));
        assertFalse(window.hasRetry(now));
    }
}

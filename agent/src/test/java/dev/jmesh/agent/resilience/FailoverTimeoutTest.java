package dev.jmesh.agent.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** On an injected clock: the bound follows the service's recent p99, window by window. */
class FailoverTimeoutTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    long now = 1_000 * SECOND;

    @Test
    void oneSecondUntilTwentyAnswersWereSeen() {
        FailoverTimeout bound = new FailoverTimeout(now);
        assertEquals(1000, bound.boundMillis(now));
        record(bound, 19, 2 * MILLI);
        now += 5 * SECOND;
        assertEquals(1000, bound.boundMillis(now), "19 answers are too few to judge");
        record(bound, 1, 2 * MILLI);
        now += SECOND;
        assertEquals(250, bound.boundMillis(now), "a fast service: the floor");
    }

    @Test
    void fourTimesTheRecentP99AndOnlyTheRecentOne() {
        FailoverTimeout bound = new FailoverTimeout(now);
        record(bound, 100, 200 * MILLI);
        now += SECOND;
        long slow = bound.boundMillis(now);
        // 200 ms lands in the histogram's bucket up to 208 ms (within 12.5 %).
        assertEquals(4 * 208, slow, 4 * 26);
        record(bound, 100, MILLI);
        assertEquals(slow, bound.boundMillis(now + SECOND / 2), "rebuilt at most once a second");
        now += SECOND;
        assertEquals(250, bound.boundMillis(now), "the service got fast again: the old window is forgotten");
    }

    private void record(FailoverTimeout bound, int times, long nanos) {
        for (int i = 0; i < times; i++) {
            bound.record(nanos);
        }
    }
}

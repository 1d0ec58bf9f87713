package dev.jmesh.agent.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.RateLimitPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketLetsABurstThroughThenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(new RateLimitPolicy(10, 5), clock);
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryAcquire(), "burst request " + i);
        }
        assertFalse(bucket.tryAcquire());
        clock.advance(Duration.ofMillis(99));
        assertFalse(bucket.tryAcquire(), "a token takes 100 ms");
        clock.advance(Duration.ofMillis(1));
        assertTrue(bucket.tryAcquire());
        assertFalse(bucket.tryAcquire());
    }

    @Test
    void overALongRunTheRateIsHeldExactly() {
        TokenBucket bucket = new TokenBucket(new RateLimitPolicy(100, 20), clock);
        int allowed = 0;
        for (int ms = 0; ms < 10_000; ms++) { // ten calls every millisecond, for 10 s
            for (int i = 0; i < 10; i++) {
                allowed += bucket.tryAcquire() ? 1 : 0;
            }
            clock.advance(Duration.ofMillis(1));
        }
        assertEquals(20 + 1000, allowed, 1); // the burst, then 100 per second
    }

    @Test
    void anIdleBucketHoldsNoMoreThanItsBurst() {
        TokenBucket bucket = new TokenBucket(new RateLimitPolicy(1000, 3), clock);
        clock.advance(Duration.ofHours(1));
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += bucket.tryAcquire() ? 1 : 0;
        }
        assertEquals(3, allowed);
    }
}

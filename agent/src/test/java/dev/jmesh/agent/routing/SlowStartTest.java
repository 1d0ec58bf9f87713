package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.BalancerKind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    static final FakeClock CLOCK = new FakeClock();

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long MINUTE = 60_000_000_000L;

    /** An endpoint that entered rotation {@code agoNanos} before now. */
    static Endpoint endpoint(int port, long agoNanos) {
        Endpoint endpoint = new Endpoint(new InetSocketAddress("127.0.0.1", port), 1, null, CLOCK.nanoTime());
        endpoint.enteredRotation(CLOCK.nanoTime() - agoNanos);
        return endpoint;
    }

    static Map<Endpoint, Integer> picks(Balancer balancer, int n) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(balancer.pick(0), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void theFactorRampsLinearlyFromTenPercent() {
        long window = 1000;
        Endpoint e = endpoint(1, 0);
        long since = e.inRotationSinceNanos();
        assertEquals(0.1, SlowStart.factor(e, since, window));
        assertEquals(0.1, SlowStart.factor(e, since + 50, window));
        assertEquals(0.5, SlowStart.factor(e, since + 500, window));
        assertEquals(1.0, SlowStart.factor(e, since + 1000, window));
        assertEquals(1.0, SlowStart.factor(e, since + 5000, window));
    }

    @Test
    void randomGivesAJustAddedEndpointAMuchSmallerShare() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint added = endpoint(2, 0);
        Map<Endpoint, Integer> counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, added), WINDOW, CLOCK), 20_000);
        // Weights 1 : 0.1, so 1/11 of the picks (1818, sigma ~ 41).
        assertTrue(Math.abs(counts.get(added) - 1818) < 400, counts::toString);
    }

    @Test
    void randomRampsTheShareWithTime() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint halfway = endpoint(2, MINUTE / 2);
        Map<Endpoint, Integer> counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, halfway), WINDOW, CLOCK), 20_000);
        // Weights 1 : 0.5, so a third (6667, sigma ~ 67).
        assertTrue(Math.abs(counts.get(halfway) - 6667) < 500, counts::toString);
    }

    @Test
    void randomSharesEquallyOnceTheWindowHasPassed() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint warmedUp = endpoint(2, 2 * MINUTE);
        Map<Endpoint, Integer> counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, warmedUp), WINDOW, CLOCK), 20_000);
        // 10,000 each (sigma ~ 71).
        assertTrue(Math.abs(counts.get(warmedUp) - 10_000) < 500, counts::toString);
    }

    @Test
    void withoutSlowStartANewEndpointGetsItsFullShareAtOnce() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint added = endpoint(2, 0);
        Map<Endpoint, Integer> counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, added), null, CLOCK), 20_000);
        assertTrue(Math.abs(counts.get(added) - 10_000) < 500, counts::toString);
        counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, added), Duration.ZERO, CLOCK), 20_000);
        assertTrue(Math.abs(counts.get(added) - 10_000) < 500, counts::toString);
    }

    @Test
    void weightedRandomRampsTheScaledWeight() {
        Endpoint old = new Endpoint(new InetSocketAddress("127.0.0.1", 1), 1, null, CLOCK.nanoTime());
        old.enteredRotation(CLOCK.nanoTime() - 60 * MINUTE);
        Endpoint added = new Endpoint(new InetSocketAddress("127.0.0.1", 2), 4, null, CLOCK.nanoTime());
        Map<Endpoint, Integer> counts = picks(Balancers.create(BalancerKind.RANDOM, List.of(old, added), WINDOW, CLOCK), 20_000);
        // Weights 1 : 4 x 0.1, so 0.4/1.4 of the picks (5714, sigma ~ 64).
        assertTrue(Math.abs(counts.get(added) - 5714) < 500, counts::toString);
    }

    @Test
    void leastRequestScalesTheNewEndpointsWeight() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint added = endpoint(2, 0);
        Balancer balancer = Balancers.create(BalancerKind.LEAST_REQUEST, List.of(old, added), WINDOW, CLOCK);
        // Both idle: 1/1 beats 0.1/1.
        assertEquals(Map.of(old, 1000), picks(balancer, 1000));
        // Old with 10 in flight: 1/11 < 0.1/1.
        for (int i = 0; i < 10; i++) {
            old.load().started();
        }
        assertEquals(Map.of(added, 1000), picks(balancer, 1000));
    }

    @Test
    void p2cEwmaScalesTheNewEndpointsWeight() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint added = endpoint(2, 0);
        old.load().started();
        // Same default latency, the old one with 1 in flight (score 2 x 30 ms): without slow
        // start the idle new one wins (30 ms)...
        assertEquals(Map.of(added, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(old, added), null, CLOCK), 1000));
        // ...with it, the new one's score is divided by 0.1 (300 ms) and it loses.
        assertEquals(Map.of(old, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(old, added), WINDOW, CLOCK), 1000));
    }

    @Test
    void aNegativeWindowIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Balancers.create(BalancerKind.RANDOM, List.of(endpoint(1, 0)), Duration.ofSeconds(-1), CLOCK));
    }

    @Test
    void theRampFollowsTheClock() {
        Endpoint old = endpoint(1, 60 * MINUTE);
        Endpoint added = endpoint(2, 0);
        Balancer balancer = Balancers.create(BalancerKind.LEAST_REQUEST, List.of(old, added), WINDOW, CLOCK);
        assertEquals(Map.of(old, 1000), picks(balancer, 1000), "both idle: 1 beats 0.1");
        CLOCK.advance(WINDOW);
        Map<Endpoint, Integer> counts = picks(balancer, 10_000);
        // Equal weights now: the first of the two draws wins the tie, a fair coin (sigma 50).
        assertTrue(Math.abs(counts.get(added) - 5000) < 300, counts::toString);
    }

}

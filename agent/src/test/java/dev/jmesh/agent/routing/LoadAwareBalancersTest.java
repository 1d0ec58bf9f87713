package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.time.FakeClock;
import dev.jmesh.policy.BalancerKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Least-request (Envoy) and p2c-ewma (Linkerd): the power of two choices. */
class LoadAwareBalancersTest {

    static final FakeClock CLOCK = new FakeClock();

    static Endpoint endpoint(int port, int weight) {
        return new Endpoint(new InetSocketAddress("127.0.0.1", port), weight, null, CLOCK.nanoTime());
    }

    static Endpoint withActive(Endpoint endpoint, int active) {
        for (int i = 0; i < active; i++) {
            endpoint.load().started();
        }
        return endpoint;
    }

    static Map<Endpoint, Integer> picks(Balancer balancer, int n) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(balancer.pick(0), 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"LEAST_REQUEST", "P2C_EWMA"})
    void theLessLoadedOfTwoAlwaysWins(BalancerKind kind) {
        Endpoint busy = withActive(endpoint(1, 1), 3);
        Endpoint idle = endpoint(2, 1);
        // With two endpoints every pair is {busy, idle}.
        assertEquals(Map.of(idle, 2000), picks(Balancers.create(kind, List.of(busy, idle), null, CLOCK), 2000));
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"LEAST_REQUEST", "P2C_EWMA"})
    void thePairIsTwoDistinctEndpoints(BalancerKind kind) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            endpoints.add(withActive(endpoint(i + 1, 1), i)); // 0, 1, 2, 3 in flight
        }
        Map<Endpoint, Integer> counts = picks(Balancers.create(kind, endpoints, null, CLOCK), 12_000);
        // The busiest loses every pair it is in; a pair of it with itself would pick it.
        assertEquals(null, counts.get(endpoints.get(3)), counts::toString);
        // The idlest wins every pair it is in: 3 of the 6 pairs, so half the picks (sigma ~ 55).
        assertTrue(Math.abs(counts.get(endpoints.get(0)) - 6000) < 500, counts::toString);
        // The next one wins only against the two busier ones: 2 of 6 pairs (sigma ~ 52).
        assertTrue(Math.abs(counts.get(endpoints.get(1)) - 4000) < 500, counts::toString);
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"LEAST_REQUEST", "P2C_EWMA"})
    void aSingleEndpointIsAlwaysPicked(BalancerKind kind) {
        Endpoint only = withActive(endpoint(1, 1), 100);
        Balancer balancer = Balancers.create(kind, List.of(only), null, CLOCK);
        for (int i = 0; i < 100; i++) {
            assertSame(only, balancer.pick(0));
        }
    }

    @Test
    void leastRequestComparesWeightOverActivePlusOne() {
        // weight / (active + 1): heavy 3/2 = 1.5 beats light 1/1.
        Endpoint heavy = withActive(endpoint(1, 3), 1);
        Endpoint light = endpoint(2, 1);
        assertEquals(Map.of(heavy, 1000), picks(Balancers.create(BalancerKind.LEAST_REQUEST, List.of(heavy, light), null, CLOCK), 1000));
        // Two more in flight: 3/4 = 0.75 loses to 1/1.
        withActive(heavy, 2);
        assertEquals(Map.of(light, 1000), picks(Balancers.create(BalancerKind.LEAST_REQUEST, List.of(heavy, light), null, CLOCK), 1000));
    }

    @Test
    void leastRequestGivesAHeavierEndpointProportionallyMoreTraffic() {
        // A closed loop: 40 requests in flight, each step one random in-flight request finishes
        // and a new one is picked. Finishing is uniform over requests, so each endpoint's
        // throughput follows its load, which the balancer keeps near 3:1.
        Endpoint light = endpoint(1, 1);
        Endpoint heavy = endpoint(2, 3);
        Balancer balancer = Balancers.create(BalancerKind.LEAST_REQUEST, List.of(light, heavy), null, CLOCK);
        Random random = new Random(7);
        List<Endpoint> inFlight = new ArrayList<>();
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int step = 0; step < 40_000; step++) {
            if (inFlight.size() == 40) {
                inFlight.remove(random.nextInt(inFlight.size())).load().finished(-1, 0);
            }
            Endpoint picked = balancer.pick(0);
            picked.load().started();
            inFlight.add(picked);
            counts.merge(picked, 1, Integer::sum);
        }
        double ratio = (double) counts.get(heavy) / counts.get(light);
        assertTrue(ratio > 2.4 && ratio < 4.0, counts::toString);
    }

    @Test
    void p2cEwmaAvoidsAnEndpointAfterOneSlowResponse() {
        Endpoint slow = endpoint(1, 1);
        Endpoint fresh = endpoint(2, 1); // no samples yet: the 30 ms default
        slow.load().observe(100_000_000L, CLOCK.nanoTime()); // peak EWMA takes it at once
        assertEquals(Map.of(fresh, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(slow, fresh), null, CLOCK), 1000));
    }

    @Test
    void p2cEwmaTradesLatencyAgainstLoad() {
        // 10 ms with 3 in flight (cost 40 ms) is worse than the 30 ms default idle...
        long now = CLOCK.nanoTime();
        Endpoint fast = endpoint(1, 1);
        // A sample far enough ahead that the 30 ms start has decayed below it: the estimate is 10 ms.
        fast.load().observe(10_000_000L, now + 60_000_000_000L);
        Endpoint fresh = endpoint(2, 1);
        withActive(fast, 3);
        assertEquals(Map.of(fresh, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(fast, fresh), null, CLOCK), 1000));
        // ...and with 1 in flight (cost 20 ms) it is better.
        fast.load().finished(-1, now);
        fast.load().finished(-1, now);
        assertEquals(Map.of(fast, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(fast, fresh), null, CLOCK), 1000));
    }

    @Test
    void p2cEwmaDividesTheScoreByTheWeight() {
        // Same default latency; 2 in flight on weight 4 scores 3/4 of one idle on weight 1.
        Endpoint heavy = withActive(endpoint(1, 4), 2);
        Endpoint light = endpoint(2, 1);
        assertEquals(Map.of(heavy, 1000), picks(Balancers.create(BalancerKind.P2C_EWMA, List.of(heavy, light), null, CLOCK), 1000));
    }
}

package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.policy.BalancerKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BalancersTest {

    static Endpoint endpoint(int port, int weight) {
        return new Endpoint(new InetSocketAddress("127.0.0.1", port), weight, null, 0);
    }

    static Map<Integer, Integer> picks(Balancer balancer, int n) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(balancer.pick(0).address().getPort(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinVisitsEachEndpointInTurnAndIgnoresWeights() {
        Balancer rr = Balancers.create(BalancerKind.ROUND_ROBIN, List.of(endpoint(1, 1), endpoint(2, 5), endpoint(3, 1)));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(rr.pick(0).address().getPort());
        }
        assertEquals(List.of(1, 2, 3, 1, 2, 3), order);
    }

    @Test
    void roundRobinIsExactUnderConcurrency() throws InterruptedException {
        Balancer rr = Balancers.create(BalancerKind.ROUND_ROBIN, List.of(endpoint(1, 1), endpoint(2, 1), endpoint(3, 1)));
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            new Thread(() -> {
                for (int i = 0; i < 30_000; i++) {
                    counts.computeIfAbsent(rr.pick(0).address().getPort(), p -> new AtomicInteger()).incrementAndGet();
                }
                done.countDown();
            }).start();
        }
        done.await();
        counts.values().forEach(c -> assertEquals(40_000, c.get()));
    }

    @Test
    void smoothWeightedRoundRobinInterleavesHeavyEndpoints() {
        Balancer wrr = Balancers.create(BalancerKind.WEIGHTED_ROUND_ROBIN,
                List.of(endpoint(1, 5), endpoint(2, 1), endpoint(3, 1)));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append((char) ('a' + wrr.pick(0).address().getPort() - 1));
        }
        // nginx's smooth sequence for 5:1:1, not aaaaabc.
        assertEquals("aabacaa", order.toString());
    }

    @Test
    void weightedRoundRobinIsExactOverWholeCycles() {
        Balancer wrr = Balancers.create(BalancerKind.WEIGHTED_ROUND_ROBIN, List.of(endpoint(1, 1), endpoint(2, 3)));
        assertEquals(Map.of(1, 20, 2, 60), picks(wrr, 80));
        Balancer reduced = Balancers.create(BalancerKind.WEIGHTED_ROUND_ROBIN, List.of(endpoint(1, 200), endpoint(2, 600)));
        assertEquals(Map.of(1, 20, 2, 60), picks(reduced, 80));
    }

    @Test
    void weightedRoundRobinKeepsHugeCyclesBoundedAndEveryEndpointServed() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            endpoints.add(endpoint(i + 1, i == 0 ? 1 : 9999));
        }
        Balancer wrr = Balancers.create(BalancerKind.WEIGHTED_ROUND_ROBIN, endpoints);
        Map<Integer, Integer> counts = picks(wrr, WeightedRoundRobinBalancer.MAX_CYCLE + 1000);
        assertEquals(1000, counts.size(), "every endpoint keeps at least one slot");
    }

    @Test
    void randomFollowsWeights() {
        Balancer random = Balancers.create(BalancerKind.RANDOM, List.of(endpoint(1, 1), endpoint(2, 3)));
        Map<Integer, Integer> counts = picks(random, 40_000);
        // 10,000 expected; a 5-sigma band (sigma ~ 87).
        assertTrue(Math.abs(counts.get(1) - 10_000) < 450, counts::toString);
        Balancer uniform = Balancers.create(BalancerKind.RANDOM, List.of(endpoint(1, 1), endpoint(2, 1), endpoint(3, 1)));
        picks(uniform, 30_000).values().forEach(c -> assertTrue(Math.abs(c - 10_000) < 450, c::toString));
    }

    @Test
    void aBalancerNeedsEndpoints() {
        assertThrows(IllegalArgumentException.class, () -> Balancers.create(BalancerKind.RANDOM, List.of()));
    }
}

package dev.jmesh.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.policy.BalancerKind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ring hash and maglev: stability, determinism across processes, balance, weights. */
class HashingBalancersTest {

    private static final int KEYS = 50_000;

    static Endpoint endpoint(int port, int weight) {
        return new Endpoint(new InetSocketAddress("127.0.0.1", port), weight, null, 0);
    }

    /** 127.0.0.1:8001 .. 127.0.0.1:(8000 + n), weight 1. */
    static List<Endpoint> ports8001(int n) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            endpoints.add(endpoint(8000 + i, 1));
        }
        return endpoints;
    }

    static long keyHash(int i) {
        return Hashing.xxHash64("user-" + i);
    }

    static Endpoint[] mapKeys(Balancer balancer, int keys) {
        Endpoint[] owners = new Endpoint[keys];
        for (int i = 0; i < keys; i++) {
            owners[i] = balancer.pick(keyHash(i));
        }
        return owners;
    }

    static Map<String, Integer> shares(Endpoint[] owners) {
        Map<String, Integer> counts = new HashMap<>();
        for (Endpoint e : owners) {
            counts.merge(e.key(), 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void theSameKeyAlwaysGoesToTheSameEndpoint(BalancerKind kind) {
        Balancer balancer = Balancers.create(kind, ports8001(5));
        for (int i = 0; i < 1000; i++) {
            Endpoint first = balancer.pick(keyHash(i));
            for (int again = 0; again < 3; again++) {
                assertSame(first, balancer.pick(keyHash(i)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void theMappingDoesNotDependOnTheOrderOfTheEndpoints(BalancerKind kind) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            endpoints.add(new Endpoint(new InetSocketAddress("10.0." + i % 3 + "." + i, 8080 + i % 2), 1 + i % 4, null, 0));
        }
        List<Endpoint> shuffled = new ArrayList<>(endpoints);
        Collections.shuffle(shuffled, new Random(42));
        List<Endpoint> reversed = new ArrayList<>(endpoints);
        Collections.reverse(reversed);
        Balancer a = Balancers.create(kind, endpoints);
        Balancer b = Balancers.create(kind, shuffled);
        Balancer c = Balancers.create(kind, reversed);
        for (int i = 0; i < 10_000; i++) {
            long hash = keyHash(i);
            assertSame(a.pick(hash), b.pick(hash), () -> "key " + hash);
            assertSame(a.pick(hash), c.pick(hash), () -> "key " + hash);
        }
    }

    /**
     * Pins the mapping itself. Every process, on any JVM, must send these keys to these
     * endpoints; a change here breaks session affinity across a rolling upgrade of the mesh.
     */
    @Test
    void ringHashGoldenMapping() {
        Balancer ring = Balancers.create(BalancerKind.RING_HASH, ports8001(5));
        assertEquals("127.0.0.1:8002", ring.pick(Hashing.xxHash64("alice")).key());
        assertEquals("127.0.0.1:8004", ring.pick(Hashing.xxHash64("bob")).key());
        assertEquals("127.0.0.1:8005", ring.pick(Hashing.xxHash64("carol")).key());
        assertEquals("127.0.0.1:8003", ring.pick(Hashing.xxHash64("dave")).key());
        assertEquals("127.0.0.1:8001", ring.pick(Hashing.xxHash64("eve")).key());
    }

    /** As {@link #ringHashGoldenMapping()}, for maglev. */
    @Test
    void maglevGoldenMapping() {
        Balancer maglev = Balancers.create(BalancerKind.MAGLEV, ports8001(5));
        assertEquals("127.0.0.1:8002", maglev.pick(Hashing.xxHash64("alice")).key());
        assertEquals("127.0.0.1:8002", maglev.pick(Hashing.xxHash64("bob")).key());
        assertEquals("127.0.0.1:8005", maglev.pick(Hashing.xxHash64("carol")).key());
        assertEquals("127.0.0.1:8002", maglev.pick(Hashing.xxHash64("dave")).key());
        assertEquals("127.0.0.1:8001", maglev.pick(Hashing.xxHash64("eve")).key());
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void equalEndpointsShareTheKeysEvenly(BalancerKind kind) {
        Map<String, Integer> shares = shares(mapKeys(Balancers.create(kind, ports8001(5)), KEYS));
        assertEquals(5, shares.size());
        shares.values().forEach(n -> assertTrue(Math.abs(n - KEYS / 5) <= KEYS / 5 / 4, shares::toString));
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void weightsOneToThreeGiveOneToThreeOfTheKeys(BalancerKind kind) {
        Endpoint light = endpoint(8001, 1);
        Endpoint heavy = endpoint(8002, 3);
        Map<String, Integer> shares = shares(mapKeys(Balancers.create(kind, List.of(light, heavy)), KEYS));
        double ratio = (double) shares.get(heavy.key()) / shares.get(light.key());
        assertTrue(ratio >= 3 * 0.8 && ratio <= 3 * 1.2, shares::toString);
    }

    @Test
    void removingAnEndpointFromTheRingMovesExactlyItsKeys() {
        List<Endpoint> five = ports8001(5);
        Endpoint removed = five.get(2);
        List<Endpoint> four = new ArrayList<>(five);
        four.remove(removed);
        Endpoint[] before = mapKeys(Balancers.create(BalancerKind.RING_HASH, five), KEYS);
        Endpoint[] after = mapKeys(Balancers.create(BalancerKind.RING_HASH, four), KEYS);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (before[i] == removed) {
                moved++;
                assertTrue(after[i] != removed);
            } else {
                assertSame(before[i], after[i], "key " + i + " was not on the removed endpoint");
            }
        }
        assertTrue(moved > KEYS / 10, "the removed endpoint had keys: " + moved);
    }

    @Test
    void removingAnEndpointFromMaglevMovesItsKeysAndFewOthers() {
        List<Endpoint> five = ports8001(5);
        Endpoint removed = five.get(2);
        List<Endpoint> four = new ArrayList<>(five);
        four.remove(removed);
        Endpoint[] before = mapKeys(Balancers.create(BalancerKind.MAGLEV, five), KEYS);
        Endpoint[] after = mapKeys(Balancers.create(BalancerKind.MAGLEV, four), KEYS);
        int others = 0;
        for (int i = 0; i < KEYS; i++) {
            assertTrue(after[i] != removed);
            if (before[i] != removed && before[i] != after[i]) {
                others++;
            }
        }
        assertTrue(others <= KEYS * 3 / 100, others + " keys of the remaining endpoints moved");
    }

    @Test
    void theRingWrapsAroundAndComparesHashesUnsigned() {
        RingHashBalancer ring = new RingHashBalancer(ports8001(5));
        assertTrue(ring.size() >= RingHashBalancer.MIN_RING_SIZE && ring.size() < 2 * RingHashBalancer.MIN_RING_SIZE,
                () -> "ring size " + ring.size());
        // Past the largest point (0xFFFF... unsigned), a hash belongs to the smallest point.
        assertSame(ring.pick(0L), ring.pick(-1L));
        // Negative longs are the upper half of the ring, not below zero: both halves are used.
        Map<String, Integer> upper = new HashMap<>();
        Map<String, Integer> lower = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            long hash = keyHash(i);
            (hash < 0 ? upper : lower).merge(ring.pick(hash).key(), 1, Integer::sum);
        }
        assertEquals(5, upper.size());
        assertEquals(5, lower.size());
    }

    @Test
    void ringPointsFollowWeightsInPowerOfTwoSteps() {
        // 5 x weight 1: 256 points each (Envoy would give 205), 4 x weight 1: also 256.
        assertEquals(1280, new RingHashBalancer(ports8001(5)).size());
        assertEquals(1024, new RingHashBalancer(ports8001(4)).size());
        // Weights 1:3 -> 256 + 768; weight 7 alone -> 7 x 256 (7 x 128 would be under 1024).
        assertEquals(1024, new RingHashBalancer(List.of(endpoint(1, 1), endpoint(2, 3))).size());
        assertEquals(7 * 256, new RingHashBalancer(List.of(endpoint(1, 7))).size());
        // Large weights are scaled down by a power of two, never below one point each.
        List<Endpoint> heavy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            heavy.add(endpoint(9000 + i, 1000));
        }
        heavy.add(endpoint(9999, 1));
        RingHashBalancer scaled = new RingHashBalancer(heavy);
        assertTrue(scaled.size() >= 1024 && scaled.size() < 2048 + heavy.size(), () -> "size " + scaled.size());
        assertEquals(1, RingHashBalancer.pointsPerEndpoint(heavy.toArray(new Endpoint[0]))[10]);
        // Rounding down never leaves the ring under the minimum: 820 x weight 5 is 4100, which
        // a quarter would bring to 1025, but 5/4 rounds to 1 point each (820); so 5/2 -> 3 each.
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 820; i++) {
            many.add(new Endpoint(new InetSocketAddress("10.0." + i / 200 + "." + i % 200, 80), 5, null, 0));
        }
        assertEquals(820 * 3, new RingHashBalancer(many).size());
    }

    @Test
    void ringSortIsUnsignedAndCarriesOwners() {
        long[] keys = {5, -1, 0, Long.MIN_VALUE, Long.MAX_VALUE, 5, 3};
        int[] owners = {0, 1, 2, 3, 4, 5, 6};
        RingHashBalancer.sortUnsigned(keys, owners);
        assertEquals(List.of(0L, 3L, 5L, 5L, Long.MAX_VALUE, Long.MIN_VALUE, -1L),
                java.util.Arrays.stream(keys).boxed().toList());
        assertEquals(List.of(2, 6, 0, 5, 4, 3, 1), java.util.Arrays.stream(owners).boxed().toList());
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void aSingleEndpointTakesEveryKey(BalancerKind kind) {
        Endpoint only = endpoint(8001, 3);
        Balancer balancer = Balancers.create(kind, List.of(only));
        for (int i = 0; i < 1000; i++) {
            assertSame(only, balancer.pick(keyHash(i)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"RING_HASH", "MAGLEV"})
    void slowStartDoesNotChangeTheMapping(BalancerKind kind) {
        List<Endpoint> endpoints = ports8001(5); // all just entered rotation
        Endpoint[] plain = mapKeys(Balancers.create(kind, endpoints), 5000);
        Endpoint[] ramped = mapKeys(Balancers.create(kind, endpoints, Duration.ofMinutes(1), MeshClock.SYSTEM), 5000);
        for (int i = 0; i < plain.length; i++) {
            assertSame(plain[i], ramped[i]);
        }
    }
}

package dev.jmesh.agent.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSplitTest {

    @Test
    void everyCycleGivesEachDestinationExactlyItsShare() {
        WeightedSplit<String> split = new WeightedSplit<>(List.of("stable", "canary"), List.of(90, 10));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(split.next(), 1, Integer::sum);
        }
        assertEquals(Map.of("stable", 9_000, "canary", 1_000), counts);
    }

    @Test
    void theShareIsEvenlySpreadNotDealtInRuns() {
        WeightedSplit<String> split = new WeightedSplit<>(List.of("a", "b"), List.of(50, 50));
        for (int i = 0; i < 100; i++) {
            assertEquals(i % 2 == 0 ? "a" : "b", split.next());
        }
        WeightedSplit<String> uneven = new WeightedSplit<>(List.of("a", "b", "c"), List.of(33, 33, 34));
        Map<String, Integer> firstTen = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            firstTen.merge(uneven.next(), 1, Integer::sum);
        }
        assertTrue(firstTen.values().stream().allMatch(n -> n >= 3), "interleaved: " + firstTen);
    }

    @Test
    void aZeroShareIsNeverPicked() {
        WeightedSplit<String> split = new WeightedSplit<>(List.of("old", "new"), List.of(100, 0));
        for (int i = 0; i < 1000; i++) {
            assertEquals("old", split.next());
            assertEquals("old", split.forHash(i * 0x9E3779B97F4A7C15L));
        }
    }

    @Test
    void aHashAlwaysGetsTheSameDestinationAndHashesSplitByTheShares() {
        WeightedSplit<String> split = new WeightedSplit<>(List.of("stable", "canary"), List.of(80, 20));
        SplittableRandom random = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            long hash = random.nextLong();
            String destination = split.forHash(hash);
            assertEquals(destination, split.forHash(hash));
            counts.merge(destination, 1, Integer::sum);
        }
        assertEquals(0.20, counts.get("canary") / 100_000.0, 0.01, counts::toString);
    }

    @Test
    void percentsMustSumToOneHundred() {
        assertThrows(IllegalArgumentException.class, () -> new WeightedSplit<>(List.of("a", "b"), List.of(50, 40)));
    }
}

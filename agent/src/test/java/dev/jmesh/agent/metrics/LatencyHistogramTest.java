package dev.jmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void quantilesAreWithinTheBucketPrecision() {
        LatencyHistogram h = new LatencyHistogram();
        for (int micros = 1; micros <= 10_000; micros++) {
            h.record(micros * 1000L);
        }
        long[] snapshot = h.snapshot();
        assertWithin(5_000, LatencyHistogram.quantileMicros(snapshot, 0.5));
        assertWithin(9_900, LatencyHistogram.quantileMicros(snapshot, 0.99));
        assertWithin(10_000, LatencyHistogram.quantileMicros(snapshot, 1.0));
        assertEquals(-1, LatencyHistogram.quantileMicros(new LatencyHistogram().snapshot(), 0.5));
    }

    @Test
    void bucketsCoverEveryValueInOrder() {
        long previousBound = -1;
        for (long micros : new long[] {0, 1, 7, 8, 9, 15, 16, 17, 1000, 123_456, 3_600_000_000L, (1L << 32) - 1}) {
            int index = LatencyHistogram.index(micros);
            long bound = LatencyHistogram.upperBound(index);
            assertTrue(bound >= micros && bound <= Math.max(micros, 1) * 1.125 + 1, micros + " -> " + bound);
            assertTrue(bound >= previousBound);
            previousBound = bound;
        }
    }

    @Test
    void samplesBeyondTheRangeCountAsTheLargest() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(Long.MAX_VALUE);
        assertEquals((1L << 32) - 1, LatencyHistogram.quantileMicros(h.snapshot(), 1.0));
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.125, expected + " vs " + actual);
    }
}

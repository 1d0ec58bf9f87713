package dev.jmesh.agent.traffic;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Percentages over destinations, exact over time: the destinations are dealt in a fixed
 * smooth weighted round-robin order (nginx's), whose every cycle of {@code 100 / gcd} picks
 * gives each destination exactly its share, evenly spread; a pick is one atomic increment. A
 * pick with a request hash instead maps the hash onto the percentages, so the same key always
 * gets the same destination (a sticky split).
 */
public final class WeightedSplit<T> {

    private final Object[] schedule;
    /** {@code cumulative[i]} is the sum of the percentages of destinations 0..i; a hash bucket below it goes to i. */
    private final int[] cumulative;
    private final Object[] destinations;
    private final AtomicLong turns = new AtomicLong();

    /** @param percents each destination's percent, summing to 100, in the same order as {@code destinations} */
    public WeightedSplit(List<T> destinations, List<Integer> percents) {
        if (destinations.size() != percents.size() || destinations.isEmpty()) {
            throw new IllegalArgumentException("one percent per destination");
        }
        int n = destinations.size();
        this.destinations = destinations.toArray();
        this.cumulative = new int[n];
        int sum = 0;
        int gcd = 0;
        for (int i = 0; i < n; i++) {
            sum += percents.get(i);
            cumulative[i] = sum;
            gcd = gcd(gcd, percents.get(i));
        }
        if (sum != 100) {
            throw new IllegalArgumentException("percents sum to " + sum);
        }
        int unit = gcd; // divides the sum, 100
        int[] weights = percents.stream().mapToInt(p -> p / unit).toArray();
        int total = 100 / unit;
        this.schedule = new Object[total];
        int[] current = new int[n];
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[slot] = this.destinations[best];
        }
    }

    /** The next destination in the schedule. */
    @SuppressWarnings("unchecked")
    public T next() {
        return (T) schedule[(int) Long.remainderUnsigned(turns.getAndIncrement(), schedule.length)];
    }

    /** The destination of a request hashing to {@code hash}: the same for the same hash. */
    @SuppressWarnings("unchecked")
    public T forHash(long hash) {
        // Remixed, so that a hashing balancer in the chosen subset, which reads the same hash,
        // does not see only the hashes of one bucket range.
        int bucket = (int) Long.remainderUnsigned(Long.rotateLeft(hash * 0x9E3779B97F4A7C15L, 32), 100);
        for (int i = 0; i < cumulative.length; i++) {
            if (bucket < cumulative[i]) {
                return (T) destinations[i];
            }
        }
        return (T) destinations[destinations.length - 1];
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}

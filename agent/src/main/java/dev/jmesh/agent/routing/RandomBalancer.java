package dev.jmesh.agent.routing;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A random endpoint per call, in proportion to the weights. */
final class RandomBalancer implements Balancer {

    private final Endpoint[] endpoints;
    /** cumulative[i] = sum of weights[0..i]; null when all weights are equal. */
    private final int[] cumulative;

    RandomBalancer(List<Endpoint> endpoints) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.cumulative = allEqual(this.endpoints) ? null : cumulative(this.endpoints);
    }

    @Override
    public Endpoint pick(long requestHash) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (cumulative == null) {
            return endpoints[random.nextInt(endpoints.length)];
        }
        int ticket = random.nextInt(cumulative[cumulative.length - 1]);
        int i = Arrays.binarySearch(cumulative, ticket);
        // The ticket falls in slot i when cumulative[i-1] <= ticket < cumulative[i].
        return endpoints[i >= 0 ? i + 1 : -i - 1];
    }

    private static boolean allEqual(Endpoint[] endpoints) {
        for (Endpoint e : endpoints) {
            if (e.weight() != endpoints[0].weight()) {
                return false;
            }
        }
        return true;
    }

    private static int[] cumulative(Endpoint[] endpoints) {
        int[] sums = new int[endpoints.length];
        int sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += endpoints[i].weight();
            sums[i] = sum;
        }
        return sums;
    }
}

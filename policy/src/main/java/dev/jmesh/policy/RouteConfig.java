package dev.jmesh.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One route of a service: the requests it matches and where they go.
 *
 * @param name      unique in the service; what metrics and {@code status} call it
 * @param match     what a request must be; {@link RouteMatch#ANY} matches every request
 * @param split     subset name to percent, summing to 100, in file order ({@code to: X} is
 *                  {@code {X: 100}}); unmodifiable, never empty
 * @param timeout   the route's own whole-call timeout, or {@code null} for the service's
 * @param retries   the route's own retry policy, or {@code null} for the service's
 * @param hashKey   what a split and a hashing balancer hash on for this route, or {@code null}
 *                  for the service's; a split with a hash key is sticky
 * @param fault     faults injected on this route, or {@code null}
 * @param mirror    where copies of this route's requests go, or {@code null}
 * @param rateLimit this route's own limit (instead of the service's), or {@code null}
 */
public record RouteConfig(String name, RouteMatch match, Map<String, Integer> split, Duration timeout,
                          RetryPolicy retries, HashKey hashKey, FaultPolicy fault, MirrorPolicy mirror,
                          RateLimitPolicy rateLimit) {

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Map<String, Integer> copy = new LinkedHashMap<>(split);
        int sum = 0;
        for (int percent : copy.values()) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("a split percent must be 0..100");
            }
            sum += percent;
        }
        if (sum != 100) {
            throw new IllegalArgumentException("route '" + name + "': split sums to " + sum + ", not 100");
        }
        split = Collections.unmodifiableMap(copy);
    }

    /** For people: {@code stable 90%, canary 10%}, then the route's own policies. */
    public String describeDestinations() {
        StringBuilder out = new StringBuilder();
        split.forEach((subset, percent) -> out.append(out.length() == 0 ? "" : ", ").append(subset).append(' ')
                .append(percent).append('%'));
        if (timeout != null) {
            out.append("; timeout ").append(Durations.format(timeout));
        }
        if (retries != null) {
            out.append("; attempts ").append(retries.attempts());
        }
        if (hashKey != null) {
            out.append("; sticky on ").append(hashKey);
        }
        if (fault != null && fault.delay() != null) {
            out.append("; delay ").append(Durations.format(fault.delay())).append(" on ").append(percent(fault.delayPercent()));
        }
        if (fault != null && fault.abortStatus() != 0) {
            out.append("; abort ").append(fault.abortStatus()).append(" on ").append(percent(fault.abortPercent()));
        }
        if (mirror != null) {
            out.append("; mirror ").append(percent(mirror.percent())).append(" to ").append(mirror.to());
        }
        if (rateLimit != null) {
            out.append("; limit ").append(rateLimit.requestsPerSecond()).append("/s burst ").append(rateLimit.burst());
        }
        return out.toString();
    }

    private static String percent(double value) {
        return (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value)) + "%";
    }

    /** The subsets this route sends to or names. */
    public List<String> subsetsNamed() {
        List<String> named = new ArrayList<>(split.keySet());
        if (mirror != null && !named.contains(mirror.to())) {
            named.add(mirror.to());
        }
        return List.copyOf(named);
    }
}

package dev.jmesh.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rollout of a control plane's config directory: move a service's traffic from one subset
 * to another in steps, judged at each step on what the agents measured.
 *
 * @param service  the service whose traffic moves
 * @param from     the subset traffic leaves (stays there on a rollback)
 * @param to       the subset traffic moves to
 * @param steps    percent to {@code to} at each step, rising, the last one 100
 * @param interval how long each step lasts before it is judged
 * @param analysis what a step must show to be promoted
 * @param at       where the rollout, its {@code from} and its {@code to} are written, for errors
 *                 the control plane finds later (a subset its service does not have)
 */
public record RolloutConfig(String service, String from, String to, List<Integer> steps, Duration interval,
                            Analysis analysis, Positions at) {

    public RolloutConfig {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        steps = List.copyOf(steps);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(at, "at");
    }

    /**
     * A step's verdict rules.
     *
     * @param minRequests  fewer calls to {@code to} in a step than this: hold, judge nothing
     * @param maxErrorRate largest share of failed calls to {@code to}, 0..1
     * @param maxP99       largest p99 latency of calls to {@code to}, or null
     * @param maxP99Ratio  largest p99 of {@code to} as a multiple of {@code from}'s, or 0 for none
     */
    public record Analysis(long minRequests, double maxErrorRate, Duration maxP99, double maxP99Ratio) {}

    /** A position in the file, 1-based, as {@link ConfigProblem} has it. */
    public record Position(int line, int column) {}

    /** Where the service key, the {@code from} value and the {@code to} value are. */
    public record Positions(Position service, Position from, Position to) {}

    /** Everything that makes this rollout what it is, without positions: a changed rollout starts again. */
    public String definition() {
        return service + ":" + from + ">" + to + " steps=" + steps + " interval=" + interval.toMillis() + "ms"
                + " minRequests=" + analysis.minRequests() + " maxErrorRate=" + analysis.maxErrorRate()
                + " maxP99=" + (analysis.maxP99() == null ? "-" : analysis.maxP99().toMillis() + "ms")
                + " maxP99Ratio=" + analysis.maxP99Ratio();
    }
}

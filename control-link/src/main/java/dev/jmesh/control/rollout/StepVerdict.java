package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.SubsetSummary;
import dev.jmesh.policy.RolloutConfig;
import java.util.Locale;

/**
 * A rollout's analysis applied to what the agents measured in a step so far: too little
 * traffic to say, a figure over its bound (named, with the figures), or healthy.
 *
 * @param enough whether {@code to} had at least {@code minRequests} calls
 * @param failed the figure that failed, with its bound and the counts behind it, or null
 * @param figures the figures in a few words, for decisions and logs
 */
record StepVerdict(boolean enough, String failed, String figures) {

    static StepVerdict judge(RolloutConfig rollout, SubsetSummary to, SubsetSummary from) {
        RolloutConfig.Analysis analysis = rollout.analysis();
        double p99 = to.quantileMillis(0.99);
        String figures = to.requests() + " calls to " + rollout.to() + ", " + to.failed() + " failed ("
                + percent(to.errorRate()) + "), p99 " + (p99 < 0 ? "-" : millis(p99));
        if (to.requests() < analysis.minRequests()) {
            return new StepVerdict(false, null, figures);
        }
        if (to.errorRate() > analysis.maxErrorRate()) {
            return new StepVerdict(true, "error rate " + percent(to.errorRate()) + " > " + percent(analysis.maxErrorRate())
                    + " (" + to.failed() + " of " + to.requests() + " calls to " + rollout.to() + ": " + kinds(to) + ")",
                    figures);
        }
        if (analysis.maxP99() != null && p99 > analysis.maxP99().toMillis()) {
            return new StepVerdict(true, "p99 " + millis(p99) + " > " + analysis.maxP99().toMillis() + " ms ("
                    + to.requests() + " calls to " + rollout.to() + ")", figures);
        }
        double fromP99 = from.quantileMillis(0.99);
        if (analysis.maxP99Ratio() > 0 && fromP99 > 0 && p99 > analysis.maxP99Ratio() * fromP99) {
            return new StepVerdict(true, "p99 " + millis(p99) + " > " + analysis.maxP99Ratio() + "x " + rollout.from()
                    + "'s " + millis(fromP99), figures);
        }
        return new StepVerdict(true, null, figures);
    }

    private static String kinds(SubsetSummary s) {
        StringBuilder out = new StringBuilder();
        for (SubsetSummary.ErrorKind kind : SubsetSummary.ErrorKind.values()) {
            if (s.errors(kind) > 0) {
                out.append(out.length() == 0 ? "" : ", ").append(s.errors(kind)).append(' ').append(kind.key);
            }
        }
        return out.toString();
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }
}

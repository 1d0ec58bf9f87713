package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.SubsetSummary;
import dev.jmesh.policy.RolloutConfig;
import java.util.List;

/**
 * What a rollout does next, given where it is, what its current step measured and the time:
 * pure, so it is tested on an injected clock. The mechanism around it ({@link Rollouts}) keeps
 * the state, sums the agents' reports and pushes the weights.
 *
 * <ul>
 *   <li>A new (or changed) rollout starts at its first step.
 *   <li>While a step runs, a failed figure rolls back at once, to 0 %: it does not wait for the
 *       step's end.
 *   <li>At the step's end: too little traffic holds the step for another interval; healthy
 *       figures advance to the next step, or, after the last one, promote.
 * </ul>
 */
final class RolloutPolicy {

    private RolloutPolicy() {}

    /** The next state, or {@code state} itself when nothing changes. */
    static RolloutState next(RolloutConfig rollout, RolloutState state, SubsetSummary to, SubsetSummary from, long now) {
        if (state == null || !state.definition().equals(rollout.definition())) {
            return start(rollout, now);
        }
        if (state.phase() != RolloutState.Phase.PROGRESSING) {
            return state;
        }
        StepVerdict verdict = StepVerdict.judge(rollout, to, from);
        int step = state.step();
        int weight = rollout.steps().get(step);
        if (verdict.failed() != null) {
            return state.next(RolloutState.Phase.ROLLED_BACK, step, now, decision(now, step, 0,
                    RolloutState.Decision.Kind.ROLLBACK, "rolled back from " + weight + "% to 0%: " + verdict.failed()));
        }
        if (now - state.started() < rollout.interval().toMillis()) {
            return state;
        }
        if (!verdict.enough()) {
            return state.next(RolloutState.Phase.PROGRESSING, step, now, decision(now, step, weight,
                    RolloutState.Decision.Kind.HOLD, "held at " + weight + "%: too little traffic, " + verdict.figures()
                            + " (minRequests " + rollout.analysis().minRequests() + ")"));
        }
        if (step == rollout.steps().size() - 1) {
            return state.next(RolloutState.Phase.PROMOTED, step, now, decision(now, step, 100,
                    RolloutState.Decision.Kind.PROMOTE, "promoted " + rollout.to() + ": " + verdict.figures()));
        }
        int nextWeight = rollout.steps().get(step + 1);
        return state.next(RolloutState.Phase.PROGRESSING, step + 1, now, decision(now, step + 1, nextWeight,
                RolloutState.Decision.Kind.ADVANCE, "step " + (step + 2) + " of " + rollout.steps().size() + ": "
                        + nextWeight + "% to " + rollout.to() + " after " + verdict.figures()));
    }

    /** The rollout at its first step, from now: when it is new, changed, or started again by an operator. */
    static RolloutState start(RolloutConfig rollout, long now) {
        RolloutState fresh = new RolloutState(rollout.definition(), RolloutState.Phase.PROGRESSING, 0, now, List.of());
        return fresh.next(RolloutState.Phase.PROGRESSING, 0, now, decision(now, 0, rollout.steps().get(0),
                RolloutState.Decision.Kind.START, "step 1 of " + rollout.steps().size() + ": "
                        + rollout.steps().get(0) + "% to " + rollout.to()));
    }

    /** An operator's abort: to 0 % now, whatever the phase. */
    static RolloutState abort(RolloutConfig rollout, RolloutState state, long now) {
        return state.next(RolloutState.Phase.ABORTED, state.step(), now, decision(now, state.step(), 0,
                RolloutState.Decision.Kind.ABORT, "aborted by an operator at " + state.weight(rollout) + "%: 0% to "
                        + rollout.to()));
    }

    private static RolloutState.Decision decision(long now, int step, int weight, RolloutState.Decision.Kind kind,
                                                  String why) {
        return new RolloutState.Decision(now, step, weight, kind, why);
    }
}

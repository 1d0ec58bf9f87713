package dev.jmesh.control.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.control.protocol.SubsetSummary;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.RolloutConfig;
import dev.jmesh.policy.RolloutsResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rollout's decisions, on an injected clock (milliseconds passed in). */
class RolloutPolicyTest {

    static RolloutConfig rollout(String analysis) {
        RolloutsResult parsed = ConfigParser.parseRollouts("""
                rollouts:
                  orders:
                    from: stable
                    to: canary
                    steps: [ 10, 50, 100 ]
                    interval: 30s
                    analysis: %s
                """.formatted(analysis), "test");
        assertTrue(parsed.ok(), parsed.errors().toString());
        return parsed.rollouts().get(0);
    }

    static final RolloutConfig ORDERS = rollout("{ minRequests: 100, maxErrorRate: 1%, maxP99: 250ms }");

    /** {@code calls} calls, {@code failed} of them 5xx, all within {@code millis} ms (Istio-like buckets). */
    static SubsetSummary calls(String subset, long calls, long failed, double millis) {
        long[] errors = new long[SubsetSummary.ErrorKind.values().length];
        errors[SubsetSummary.ErrorKind.STATUS_5XX.ordinal()] = failed;
        return new SubsetSummary("orders", subset, calls, errors, new double[] {millis, Double.POSITIVE_INFINITY},
                new long[] {calls, 0});
    }

    static SubsetSummary none(String subset) {
        return SubsetSummary.empty("orders", subset);
    }

    @Test
    void aHealthyCanaryAdvancesAtEachIntervalAndIsPromotedAfterTheLastStep() {
        RolloutState s = RolloutPolicy.next(ORDERS, null, none("canary"), none("stable"), 1_000);
        assertEquals(RolloutState.Phase.PROGRESSING, s.phase());
        assertEquals(10, s.weight(ORDERS));
        // Healthy, but the interval is not over: nothing changes.
        assertSame(s, RolloutPolicy.next(ORDERS, s, calls("canary", 500, 0, 10), none("stable"), 30_999));
        s = RolloutPolicy.next(ORDERS, s, calls("canary", 500, 2, 10), none("stable"), 31_000);
        assertEquals(50, s.weight(ORDERS));
        assertEquals(31_000, s.started());
        s = RolloutPolicy.next(ORDERS, s, calls("canary", 500, 0, 10), none("stable"), 61_000);
        assertEquals(100, s.weight(ORDERS));
        s = RolloutPolicy.next(ORDERS, s, calls("canary", 500, 0, 10), none("stable"), 91_000);
        assertEquals(RolloutState.Phase.PROMOTED, s.phase());
        assertEquals(100, s.weight(ORDERS));
        assertEquals(List.of(RolloutState.Decision.Kind.START, RolloutState.Decision.Kind.ADVANCE,
                RolloutState.Decision.Kind.ADVANCE, RolloutState.Decision.Kind.PROMOTE),
                s.history().stream().map(RolloutState.Decision::kind).toList());
        // Promoted is final.
        assertSame(s, RolloutPolicy.next(ORDERS, s, calls("canary", 500, 500, 10), none("stable"), 200_000));
    }

    @Test
    void tooLittleTrafficHoldsTheStepForAnotherInterval() {
        RolloutState s = RolloutPolicy.next(ORDERS, null, none("canary"), none("stable"), 0);
        RolloutState held = RolloutPolicy.next(ORDERS, s, calls("canary", 99, 50, 10), none("stable"), 30_000);
        assertEquals(10, held.weight(ORDERS));
        assertEquals(0, held.step());
        assertEquals(30_000, held.started());
        RolloutState.Decision last = held.history().get(held.history().size() - 1);
        assertEquals(RolloutState.Decision.Kind.HOLD, last.kind());
        assertTrue(last.why().contains("too little traffic, 99 calls to canary"), last.why());
    }

    @Test
    void aFailedFigureRollsBackAtOnceNamingIt() {
        RolloutState s = RolloutPolicy.next(ORDERS, null, none("canary"), none("stable"), 0);
        s = RolloutPolicy.next(ORDERS, s, calls("canary", 500, 0, 10), none("stable"), 30_000);
        // 5 s into the 50 % step: 20 % failing. It does not wait for the step's end.
        RolloutState back = RolloutPolicy.next(ORDERS, s, calls("canary", 100, 20, 10), none("stable"), 35_000);
        assertEquals(RolloutState.Phase.ROLLED_BACK, back.phase());
        assertEquals(0, back.weight(ORDERS));
        String why = back.history().get(back.history().size() - 1).why();
        assertEquals("rolled back from 50% to 0%: error rate 20.00% > 1.00% (20 of 100 calls to canary: 20 5xx)", why);

        RolloutState slow = RolloutPolicy.next(ORDERS, s, calls("canary", 100, 0, 400), none("stable"), 35_000);
        assertEquals(RolloutState.Phase.ROLLED_BACK, slow.phase());
        assertTrue(slow.history().get(slow.history().size() - 1).why().contains("p99 396.0 ms > 250 ms"),
                slow.history().toString());
    }

    @Test
    void aRelativeP99IsJudgedAgainstTheOldSubset() {
        RolloutConfig relative = rollout("{ minRequests: 10, maxErrorRate: 1%, maxP99: 1.5x }");
        RolloutState s = RolloutPolicy.next(relative, null, none("canary"), none("stable"), 0);
        RolloutState ok = RolloutPolicy.next(relative, s, calls("canary", 100, 0, 140), calls("stable", 900, 0, 100), 30_000);
        assertEquals(50, ok.weight(relative));
        RolloutState back = RolloutPolicy.next(relative, s, calls("canary", 100, 0, 160), calls("stable", 900, 0, 100), 30_000);
        assertEquals(RolloutState.Phase.ROLLED_BACK, back.phase());
    }

    @Test
    void aChangedRolloutStartsAgainAndAnAbortGoesToZero() {
        RolloutState s = RolloutPolicy.next(ORDERS, null, none("canary"), none("stable"), 0);
        s = RolloutPolicy.next(ORDERS, s, calls("canary", 500, 0, 10), none("stable"), 30_000);
        RolloutConfig changed = rollout("{ minRequests: 200, maxErrorRate: 1% }");
        RolloutState restarted = RolloutPolicy.next(changed, s, none("canary"), none("stable"), 40_000);
        assertEquals(0, restarted.step());
        assertEquals(changed.definition(), restarted.definition());
        RolloutState aborted = RolloutPolicy.abort(ORDERS, s, 45_000);
        assertEquals(RolloutState.Phase.ABORTED, aborted.phase());
        assertEquals(0, aborted.weight(ORDERS));
        assertEquals(aborted, RolloutState.decode(aborted.encode()), "the stored form round-trips");
    }
}

package dev.jmesh.control.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mechanism around the policy: sums of reports, the stored state, the splits pushed; on an injected clock. */
class RolloutsTest {

    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong(1_000);
    final List<Map<String, Split>> pushed = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    Rollouts rollouts() {
        Rollouts r = Rollouts.of(new FileRolloutStore(dir), now::get, log::add, pushed::add);
        r.configure(List.of(RolloutPolicyTest.ORDERS));
        return r;
    }

    @Test
    void reportsSinceTheStepBeganAreJudgedAndARestartResumesAtTheSameStepWithItsCounts() throws Exception {
        Rollouts first = rollouts();
        first.tick();
        assertEquals(Map.of("orders", new Split("stable", "canary", 10)), pushed.get(pushed.size() - 1));
        // Reports from before the step began do not count; these do: 300 healthy calls.
        first.report(List.of(RolloutPolicyTest.calls("canary", 300, 0, 5)));
        now.addAndGet(30_000);
        first.tick();
        assertEquals(Map.of("orders", new Split("stable", "canary", 50)), pushed.get(pushed.size() - 1));
        assertTrue(log.get(log.size() - 1).startsWith("rollout orders: advance: step 2 of 3: 50% to canary after 300 calls"),
                log.toString());
        // 60 calls into step 2, counted and saved by this replica; then it stops.
        first.report(List.of(RolloutPolicyTest.calls("canary", 60, 0, 5)));
        now.addAndGet(2_000);
        first.tick();
        first.close();

        // A new replica on the same directory: step 2, as the state file says; nothing repeated.
        pushed.clear();
        Rollouts second = rollouts();
        second.tick();
        assertEquals(Map.of("orders", new Split("stable", "canary", 50)), pushed.get(0));
        assertTrue(second.status().contains("progressing  2/3"), second.status());
        assertTrue(second.status().contains("60 calls to canary, 0 failed"), "the step's counts carried over: "
                + second.status());
        // 50 calls at step 2, 10 failing: rolled back on this tick, not at the step's end.
        second.report(List.of(RolloutPolicyTest.calls("canary", 0, 0, 5)));
        second.tick();
        second.report(List.of(RolloutPolicyTest.calls("canary", 150, 10, 5)));
        now.addAndGet(1_000);
        second.tick();
        assertEquals(Map.of("orders", new Split("stable", "canary", 0)), pushed.get(pushed.size() - 1));
        assertTrue(second.metrics().contains("jmesh_rollout_decisions_total{service=\"orders\",decision=\"rollback\"} 1"),
                second.metrics());
        assertFalse(second.command("abort orders").ok(), "an ended rollout cannot be aborted");
        assertTrue(second.command("start orders").ok());
        assertEquals(Map.of("orders", new Split("stable", "canary", 10)), pushed.get(pushed.size() - 1));
        second.close();
    }
}

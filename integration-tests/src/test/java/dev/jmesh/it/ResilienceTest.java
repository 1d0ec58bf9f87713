package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry budget under a total outage, with real backends failing for real. What every
 * client must do on failures is in {@link ClientConformanceTest}.
 */
class ResilienceTest {

    @TempDir
    Path dir;
    final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    @Test
    void theRetryBudgetCapsRetriesUnderATotalOutage() throws Exception {
        start(3);
        for (Backend b : backends) {
            b.answering(503);
        }
        Path policy = policy("""
                services:
                  down:
                    endpoints: [ %s, %s, %s ]
                    retries:
                      attempts: 3
                      retryOn: [ 503 ]
                      backoff: { base: 1ms, max: 2ms }
                      budget: { ratio: 0.2, minPerSecond: 1 }
                """, backends.get(0).address(), backends.get(1).address(), backends.get(2).address());
        int calls = 200;
        AppJvm.Result result = run("jdk-sync", "okhttp4", policy, List.of(calls + "*http://down/x"));
        assertEquals(Map.of(503, calls), result.statusesFor("http://down/x"), result::toString);
        int hits = backends.stream().mapToInt(Backend::hits).sum();
        double ratio = (hits - calls) / (double) calls;
        System.out.printf("retry budget under total outage: %d calls, %d retries, ratio %.3f "
                + "(budget 0.2 + 10 reserve; unbudgeted would be 2.0)%n", calls, hits - calls, ratio);
        // 0.2 of the requests plus the 10-retry reserve of minPerSecond 1 over the 10 s window.
        assertTrue(ratio <= 0.2 + 10.0 / calls + 0.01, "retry ratio " + ratio);
        assertTrue(ratio >= 0.15, "the budget allows retries: " + ratio);
    }

    private void start(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            backends.add(Backend.start("r" + i));
        }
    }

    private Path policy(String template, Object... args) {
        return Policy.write(dir, template.formatted(args));
    }

    private static AppJvm.Result run(String client, String libs, Path policy, List<String> args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(client);
        all.addAll(args);
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath(libs)).run(CALLER, all)) {
            return app.await();
        }
    }
}

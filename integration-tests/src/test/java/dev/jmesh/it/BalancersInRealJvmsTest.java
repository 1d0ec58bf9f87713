package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-aware and hashing balancers, end to end. */
class BalancersInRealJvmsTest {

    @TempDir
    Path dir;
    final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Backend b : backends) {
            b.close();
        }
    }

    @Test
    void hashingSendsAKeyToTheSameEndpointFromAnyJvm() throws Exception {
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.start("k" + i));
        }
        String endpoints = backends.get(0).address() + ", " + backends.get(1).address() + ", " + backends.get(2).address();
        Path policy = Policy.write(dir, """
                services:
                  ring:
                    balancer: ring-hash
                    hashKey: path
                    endpoints: [ %s ]
                  mag:
                    balancer: maglev
                    hashKey: query:user
                    endpoints: [ %s ]
                """.formatted(endpoints, endpoints));
        List<String> urls = new ArrayList<>();
        for (int user = 0; user < 20; user++) {
            urls.add("http://ring/users/u" + user);
            urls.add("http://mag/items?user=u" + user);
        }
        // Twice from each JVM: a key is sticky within a process and across processes.
        List<String> args = new ArrayList<>(urls.stream().map(u -> "2*" + u).toList());
        Map<String, String> first = owners(run(Jdk.JDK17, "jdk-sync", "okhttp4", policy, args), urls);
        Map<String, String> second = owners(run(Jdk.JDK25, "okhttp-sync", "okhttp5", policy, args), urls);
        assertEquals(first, second);
        Set<String> used = new HashSet<>(first.values());
        assertTrue(used.size() >= 2, "keys spread over endpoints: " + first);
    }

    @Test
    void peakEwmaSteersAwayFromASlowEndpoint() throws Exception {
        // One slow answer is enough for p2c-ewma to avoid it.
        assertSteersAway("p2c-ewma", 150, "jdk-async", "okhttp4", 10);
    }

    @Test
    void leastRequestSteersAwayFromABusyEndpoint() throws Exception {
        // Slow answers keep requests in flight on the first endpoint: it is the busy one.
        assertSteersAway("least-request", 300, "okhttp-async", "okhttp5", 20);
    }

    /** 90 paced async calls over three endpoints, the first one slow: it gets at most {@code limit}. */
    private void assertSteersAway(String balancer, long slowMillis, String client, String libs, int limit) throws Exception {
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.start("e" + i));
        }
        backends.get(0).delaying(slowMillis);
        Path policy = Policy.write(dir, """
                services:
                  orders:
                    balancer: %s
                    endpoints: [ %s, %s, %s ]
                """.formatted(balancer, backends.get(0).address(), backends.get(1).address(), backends.get(2).address()));
        String url = "http://orders/" + balancer;
        AppJvm.Result result = run(Jdk.JDK17, client, libs, policy, List.of("90*" + url, "--pace", "10"));
        Map<String, Integer> split = result.backendsFor(url);
        assertEquals(90, split.values().stream().mapToInt(Integer::intValue).sum(), result::toString);
        assertTrue(split.getOrDefault("e0", 0) <= limit, balancer + ": the slow endpoint got " + split);
    }

    private static Map<String, String> owners(AppJvm.Result result, List<String> urls) {
        Map<String, String> owners = new HashMap<>();
        for (String url : urls) {
            Map<String, Integer> split = result.backendsFor(url);
            assertEquals(1, split.size(), url + " went to " + split);
            owners.put(url, split.keySet().iterator().next());
        }
        return owners;
    }

    private static AppJvm.Result run(Jdk jdk, String client, String libs, Path policy, List<String> args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(client);
        all.addAll(args);
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath(libs)).run(CALLER, all)) {
            AppJvm.Result result = app.await();
            assertEquals(0, result.exitCode(), result::toString);
            return result;
        }
    }
}

package dev.jmesh.it;

import static dev.jmesh.it.HttpRoutingTest.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad policy files: {@code check} names every error by line and column; the app runs unrouted. */
class BadPolicyTest {

    /** One of each kind of mistake; the expected line:column is noted beside it. */
    static final String BAD = """
            workload: shop
            admin:
              prot: 15000
            services:
              orders:
                balancer: round-robbin
                endpoints:
                  - 10.0.1.5
                  - 10.0.1.6:99999
                  - { address: 300.1.1.1:80 }
                  - { address: 10.0.1.7:80, weight: 0 }
              payments:
                endpoint: [ 10.0.3.1:80 ]
            """;
    //  admin                 -> 2:1   required port missing
    //  admin.prot            -> 3:3   unknown key
    //  balancer              -> 6:15  unknown balancer
    //  10.0.1.5              -> 8:9   no port
    //  10.0.1.6:99999        -> 9:9   port out of range
    //  300.1.1.1:80          -> 10:20 bad IPv4
    //  weight: 0             -> 11:41 weight out of range
    //  payments              -> 12:3  endpoints missing
    //  payments.endpoint     -> 13:5  unknown key

    @TempDir
    static Path dir;
    static Backend backend;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start("direct");
    }

    @AfterAll
    static void stop() throws Exception {
        backend.close();
    }

    @Test
    void checkReportsEveryErrorWithLineAndColumn() throws Exception {
        Path file = Policy.write(dir, BAD);
        AppJvm.Result result = check(file);
        assertEquals(1, result.exitCode(), result::toString);
        Pattern position = Pattern.compile(Pattern.quote(file.toString()) + ":(\\d+:\\d+): .*");
        List<String> positions = result.stderr().stream()
                .map(position::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .collect(Collectors.toList());
        assertEquals(List.of("2:1", "3:3", "6:15", "8:9", "9:9", "10:20", "11:41", "12:3", "13:5"),
                positions, result::toString);
        String all = String.join("\n", result.stderr());
        assertTrue(all.contains("unknown key 'prot'"), all);
        assertTrue(all.contains("round-robbin"), all);
        assertTrue(all.contains("10.0.1.5"), all);
        assertTrue(all.contains("99999"), all);
        assertTrue(all.contains("300.1.1.1"), all);
        assertTrue(all.contains("unknown key 'endpoint'"), all);
        assertTrue(result.stderr().get(result.stderr().size() - 1).endsWith(": 9 error(s)"), all);
    }

    @Test
    void checkReportsASyntaxErrorWithItsPosition() throws Exception {
        Path file = Policy.write(dir, "services:\n  orders:\n    endpoints: [ 10.0.0.1:80\n");
        AppJvm.Result result = check(file);
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().get(0).matches(".*" + file.getFileName() + ":\\d+:\\d+: .+"), result::toString);
    }

    @Test
    void checkSummarisesAGoodFile() throws Exception {
        Path file = Policy.write(dir, "workload: shop\nservices:\n  orders:\n    endpoints: [ 10.0.0.1:80, 10.0.0.2:80 ]\n");
        AppJvm.Result result = check(file);
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(file + ": OK, workload shop, 1 service(s) [orders], 2 endpoint(s)"), result.stdout());
    }

    @Test
    void theApplicationRunsUnroutedWithABadPolicy() throws Exception {
        assertRunsWithOneLine(Policy.write(dir, BAD), "policy file rejected");
    }

    @Test
    void theApplicationRunsUnroutedWithAMissingPolicy() throws Exception {
        assertRunsWithOneLine(dir.resolve("no-such-mesh.yaml"), "no-such-mesh.yaml");
    }

    private static AppJvm.Result check(Path file) throws Exception {
        try (AppJvm cli = AppJvm.on(Jdk.JDK17).runAgentCli("check", file.toString())) {
            return cli.await();
        }
    }

    private static void assertRunsWithOneLine(Path policy, String expected) throws Exception {
        String direct = "http://" + backend.address() + "/direct";
        AppJvm.Result result;
        try (AppJvm app = AppJvm.on(Jdk.JDK17).withAgent(policy).classPath(AppJvm.classPath("okhttp4"))
                .run(CALLER, List.of("okhttp-sync", "2*" + direct))) {
            result = app.await();
        }
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(Map.of("direct", 2), result.backendsFor(direct));
        assertEquals(1, result.stderr().size(), result::toString);
        assertTrue(result.stderr().get(0).startsWith("jmesh: ") && result.stderr().get(0).contains(expected),
                result::toString);
    }
}

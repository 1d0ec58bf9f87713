package dev.jmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmesh.it.app.JdbcApp;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PgJDBC and HikariCP, unchanged, against two real PostgreSQL servers behind one logical name,
 * {@code jdbc:postgresql://orders-db/postgres}: connections are balanced, and when a server
 * stops, new connections fail over to the other while the pool keeps serving queries.
 */
class JdbcFailoverTest {

    private static final Pattern STATS = Pattern.compile("POOL#\\d+ ok=(\\d+) failed=(\\d+) ports=\\{(.*)}");
    private static final int POOL_SIZE = 4;

    @TempDir
    static Path dir;
    static PostgresServer first;
    static PostgresServer second;

    @BeforeAll
    static void createClusters() throws Exception {
        first = PostgresServer.create();
        second = PostgresServer.create();
    }

    @AfterAll
    static void removeClusters() throws Exception {
        first.close();
        second.close();
    }

    @BeforeEach
    void startBoth() throws Exception {
        first.start();
        second.start();
    }

    @AfterEach
    void stopBoth() {
        first.stopIfRunning();
        second.stopIfRunning();
    }

    private int statsCalls;

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void connectionsSplitThenFailOverWhileThePoolKeepsServing(Jdk jdk) throws Exception {
        Path policy = Policy.write(dir, """
                services:
                  orders-db:
                    protocol: tcp
                    endpoints: [ %s, %s ]
                """.formatted(first.address(), second.address()));
        String one = Integer.toString(first.port());
        String two = Integer.toString(second.port());
        try (AppJvm app = AppJvm.on(jdk).withAgent(policy).classPath(AppJvm.classPath("jdbc"))
                .run(JdbcApp.class.getName(), List.of("jdbc:postgresql://orders-db/postgres"))) {
            app.writeLine("connect 20");
            app.awaitLines("DONE connect"::equals, 1);
            assertEquals(Map.of(one, 10, two, 10), ports(app, 0), "20 connections, round-robin");

            app.writeLine("pool");
            app.awaitLine("POOL started"::equals);
            Stats beforeStop = awaitQueries(app, 50);
            assertTrue(beforeStop.ports.containsKey(one) && beforeStop.ports.containsKey(two),
                    "the pool's connections use both servers: " + beforeStop);

            second.stop(); // returns once the server is down: no query can succeed on it after this
            Stats atStop = stats(app);
            Stats after = awaitQueries(app, atStop.ok + 200);

            assertEquals(atStop.ports.get(two), after.ports.get(two), "no query on the stopped server: " + after);
            assertTrue(after.failed <= POOL_SIZE, "at most one failed query per broken pooled connection: " + after);

            app.writeLine("connect 20");
            app.awaitLines("DONE connect"::equals, 2);
            assertEquals(Map.of(one, 20), ports(app, 1), "20 new connections, all on the server still up");
            app.writeLine("quit");
            assertEquals(0, app.await().exitCode());
        }
    }

    /** Ports answered by the {@code index}th {@code connect} command. */
    private static Map<String, Integer> ports(AppJvm app, int index) throws Exception {
        List<String> lines = app.stdoutLines();
        int done = -1;
        Map<String, Integer> ports = new HashMap<>();
        for (String line : lines) {
            if (line.equals("DONE connect")) {
                done++;
            } else if (done == index - 1 && (line.startsWith("PORT ") || line.startsWith("ERROR"))) {
                ports.merge(line.startsWith("PORT ") ? line.substring(5) : line, 1, Integer::sum);
            }
        }
        return ports;
    }

    private record Stats(long ok, long failed, Map<String, Long> ports) {}

    private Stats stats(AppJvm app) throws Exception {
        int call = ++statsCalls;
        app.writeLine("stats");
        Matcher m = STATS.matcher(app.awaitLine(l -> l.startsWith("POOL#" + call + " ")));
        assertTrue(m.matches());
        Map<String, Long> ports = m.group(3).isEmpty() ? Map.of() : Pattern.compile(", ").splitAsStream(m.group(3))
                .map(e -> e.split("=")).collect(Collectors.toMap(e -> e[0], e -> Long.parseLong(e[1])));
        return new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), ports);
    }

    /** Asks for stats until at least {@code ok} queries succeeded in all. */
    private Stats awaitQueries(AppJvm app, long ok) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (;;) {
            Stats stats = stats(app);
            if (stats.ok >= ok || System.nanoTime() > deadline) {
                assertTrue(stats.ok >= ok, "queries stalled: " + stats);
                return stats;
            }
            Thread.sleep(100);
        }
    }
}

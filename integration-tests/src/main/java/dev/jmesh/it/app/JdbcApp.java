package dev.jmesh.it.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application that talks to PostgreSQL through PgJDBC and HikariCP, driven line by line on
 * standard input; every query asks the server which port it listens on.
 *
 * <pre>
 * JdbcApp JDBC_URL
 *   connect N   N new connections in turn (DriverManager): PORT p or ERROR connect ..., then DONE connect
 *   pool        starts a HikariCP pool (4 connections) and 4 threads querying through it: POOL started
 *   stats       POOL#k ok=N failed=M ports={p=count,...}, cumulative
 *   quit        closes the pool and exits
 * </pre>
 */
public final class JdbcApp {

    private static final String PORT_QUERY = "SELECT current_setting('port')";

    private final String url;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Long> ports = new TreeMap<>();
    private HikariDataSource pool;
    private volatile boolean running = true;
    private int statsCalls;

    private JdbcApp(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        new JdbcApp(args[0]).serve();
    }

    private void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.trim().split(" ");
            switch (command[0]) {
                case "connect" -> connect(Integer.parseInt(command[1]));
                case "pool" -> startPool();
                case "stats" -> stats();
                case "quit" -> {
                    running = false;
                    if (pool != null) {
                        pool.close();
                    }
                    return;
                }
                default -> System.out.println("ERROR unknown command " + line);
            }
        }
    }

    private void connect(int n) {
        for (int i = 0; i < n; i++) {
            try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
                System.out.println("PORT " + port(connection));
            } catch (SQLException e) {
                System.out.println("ERROR connect " + e);
            }
        }
        System.out.println("DONE connect");
    }

    private void startPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(4);
        config.setConnectionTimeout(10_000);
        pool = new HikariDataSource(config);
        for (int i = 0; i < 4; i++) { // as many as the pool has connections, so every one is used
            Thread queries = new Thread(this::queryLoop, "queries-" + i);
            queries.setDaemon(true);
            queries.start();
        }
        System.out.println("POOL started");
    }

    private void queryLoop() {
        while (running) {
            try (Connection connection = pool.getConnection()) {
                String port = port(connection);
                synchronized (ports) {
                    ports.merge(port, 1L, Long::sum);
                }
                ok.incrementAndGet();
            } catch (SQLException e) {
                failed.incrementAndGet();
            }
            try {
                Thread.sleep(2); // a steady stream, not a busy loop
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stats() {
        synchronized (ports) {
            System.out.println("POOL#" + (++statsCalls) + " ok=" + ok.get() + " failed=" + failed.get()
                    + " ports=" + ports);
        }
    }

    private static String port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(PORT_QUERY)) {
            rows.next();
            return rows.getString(1);
        }
    }
}

package dev.jmesh.control.server;

import dev.jmesh.control.ca.MeshCa;
import dev.jmesh.control.registry.RegisteredEndpoint;
import dev.jmesh.control.registry.Registry;
import dev.jmesh.control.rollout.Rollouts;
import dev.jmesh.control.rollout.Split;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ConfigProblem;
import dev.jmesh.policy.ParseResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One control-plane replica: the config directory, the registry and the rollouts' splits feed
 * one composed snapshot, rebuilt on one thread whenever any changes, and the link server pushes
 * it to every agent. The agents' reports go to the rollouts, which judge them.
 *
 * <p>Each file is checked with the agent's parser where it is written ({@link PolicyFile}); each
 * composed snapshot is parsed again, as the agents will, and one that fails is not published:
 * the agents keep the last good one. That second check is what guarantees an agent is never sent
 * a snapshot it would NACK, whatever the registry holds (it is shared through ZooKeeper).
 */
public final class ControlPlane implements AutoCloseable {

    private final ConfigDirectory config;
    private final Registry registry;
    private final LinkServer links;
    private final Rollouts rollouts;
    private final Consumer<String> log;
    private final ExecutorService composer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmesh-control-snapshots");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, Node> configured = Map.of();
    private volatile Map<String, List<RegisteredEndpoint>> registered = Map.of();
    private volatile Map<String, Split> splits = Map.of();
    private volatile String version = "";
    // Guarded by recompose()'s lock.
    private String refused = "";
    private List<String> waiting = List.of();

    /**
     * How a replica runs: the link's timing, where rollouts keep their state, and the CA.
     *
     * @param ca what signs agents' certificates, or null: this replica issues none
     */
    public record Options(String token, Duration ping, Duration deadAfter, Duration report, String zookeeper,
                          Duration sessionTimeout, MeshCa ca) {

        /** The link's defaults (PING after 5 s, dead after 15 s, reports every 5 s), state in a file, no CA. */
        public static Options defaults() {
            return new Options(null, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5), null,
                    Duration.ofSeconds(10), null);
        }
    }

    /**
     * Starts a replica.
     *
     * @param options its token (or null for none), timing, and ZooKeeper (or null: a state file in {@code configDir})
     */
    public static ControlPlane start(InetSocketAddress listen, Path configDir, Registry registry, Options options,
                                     Consumer<String> log) throws IOException {
        ControlPlane plane = new ControlPlane(listen, configDir, registry, options, log);
        ConfigDirectory.Contents contents = plane.config.start();
        plane.configured = contents.services();
        plane.rollouts.configure(contents.rollouts());
        plane.recompose();
        registry.watch(view -> {
            plane.registered = view;
            plane.composer.execute(plane::recompose);
        });
        plane.links.start();
        return plane;
    }

    private ControlPlane(InetSocketAddress listen, Path configDir, Registry registry, Options options,
                         Consumer<String> log) throws IOException {
        this.registry = registry;
        this.log = log;
        Rollouts[] self = new Rollouts[1];
        this.links = new LinkServer(listen, registry, options.token(), options.ping(), options.deadAfter(),
                options.report(), summaries -> self[0].report(summaries), line -> self[0].command(line), options.ca(), log);
        this.rollouts = Rollouts.start(options.zookeeper(), options.sessionTimeout(), configDir,
                // Unique per process: a restarted replica's sums start again from zero.
                links.name() + "@" + System.currentTimeMillis(), TICK, log, next -> {
                    splits = next;
                    composer.execute(this::recompose);
                });
        self[0] = rollouts;
        this.config = new ConfigDirectory(configDir, contents -> {
            configured = contents.services();
            rollouts.configure(contents.rollouts());
            composer.execute(this::recompose);
        }, log);
    }

    /** How often rollouts are looked at: a failed step is rolled back within this of the report that shows it. */
    private static final Duration TICK = Duration.ofMillis(250);

    /** Synchronized: start() composes the first snapshot on its own thread, the composer the next ones. */
    private synchronized void recompose() {
        try {
            Snapshots.Snapshot snapshot = Snapshots.compose(configured, registered, splits);
            if (!snapshot.waiting().equals(waiting)) {
                for (String service : snapshot.waiting()) {
                    if (!waiting.contains(service)) {
                        log.accept("service '" + service + "' has no endpoints in the config directory and none"
                                + " registered: left out of the snapshot until its workload registers");
                    }
                }
                waiting = snapshot.waiting();
            }
            if (snapshot.version().equals(version) || snapshot.version().equals(refused)) {
                return;
            }
            ParseResult parsed = ConfigParser.parsePushed(snapshot.yaml(), "snapshot " + snapshot.version());
            if (!parsed.ok()) {
                refused = snapshot.version();
                log.accept("snapshot " + snapshot.version() + " fails the agents' parser, not published; agents keep "
                        + (version.isEmpty() ? "what they have" : "snapshot " + version) + ":");
                for (ConfigProblem error : parsed.errors()) {
                    log.accept("  " + error + " (" + quote(snapshot.yaml(), error.line()) + ")");
                }
                return;
            }
            version = snapshot.version();
            links.publish(snapshot.version(), snapshot.yaml());
            log.accept("snapshot " + snapshot.version() + ": " + serviceCount() + " service(s)");
        } catch (RuntimeException e) {
            log.accept("cannot compose a snapshot, the last one stays: " + e);
        }
    }

    /** Line {@code line} (1-based) of {@code text}, stripped: the snapshot's line numbers mean nothing to a reader. */
    private static String quote(String text, int line) {
        List<String> lines = text.lines().toList();
        return line >= 1 && line <= lines.size() ? "at '" + lines.get(line - 1).strip() + "'" : "the whole snapshot";
    }

    private int serviceCount() {
        return configured.size() - waiting.size()
                + (int) registered.keySet().stream().filter(w -> !configured.containsKey(w)).count();
    }

    public int port() {
        return links.port();
    }

    public String version() {
        return version;
    }

    public long acks() {
        return links.acks.get();
    }

    public long nacks() {
        return links.nacks.get();
    }

    /** The rollouts' metrics, Prometheus' text format. */
    public String rolloutMetrics() {
        return rollouts.metrics();
    }

    @Override
    public void close() {
        config.close();
        links.close();
        rollouts.close();
        composer.shutdown();
        try {
            composer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}

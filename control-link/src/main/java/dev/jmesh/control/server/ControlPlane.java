package dev.jmesh.control.server;

import dev.jmesh.control.registry.Registry;
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

/**
 * One control-plane replica: the config directory and the registry feed one composed snapshot,
 * rebuilt on one thread whenever either changes, and the link server pushes it to every agent.
 */
public final class ControlPlane implements AutoCloseable {

    private final ConfigDirectory config;
    private final Registry registry;
    private final LinkServer links;
    private final Consumer<String> log;
    private final ExecutorService composer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmesh-control-snapshots");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, Object> configured = Map.of();
    private volatile Map<String, List<String>> registered = Map.of();
    private volatile String version = "";

    /**
     * Starts a replica.
     *
     * @param token the bearer token agents must present, or null for none
     */
    public static ControlPlane start(InetSocketAddress listen, Path configDir, Registry registry, String token,
                                     Duration ping, Duration deadAfter, Consumer<String> log) throws IOException {
        ControlPlane plane = new ControlPlane(listen, configDir, registry, token, ping, deadAfter, log);
        plane.configured = plane.config.start();
        plane.recompose();
        registry.watch(view -> {
            plane.registered = view;
            plane.composer.execute(plane::recompose);
        });
        plane.links.start();
        return plane;
    }

    private ControlPlane(InetSocketAddress listen, Path configDir, Registry registry, String token, Duration ping,
                         Duration deadAfter, Consumer<String> log) throws IOException {
        this.registry = registry;
        this.log = log;
        this.links = new LinkServer(listen, registry, token, ping, deadAfter, log);
        this.config = new ConfigDirectory(configDir, services -> {
            configured = services;
            composer.execute(this::recompose);
        }, log);
    }

    private void recompose() {
        try {
            Snapshots.Snapshot snapshot = Snapshots.compose(configured, registered);
            if (!snapshot.version().equals(version)) {
                version = snapshot.version();
                links.publish(snapshot.version(), snapshot.yaml());
                log.accept("snapshot " + snapshot.version() + ": " + serviceCount() + " service(s)");
            }
        } catch (RuntimeException e) {
            log.accept("cannot compose a snapshot, the last one stays: " + e);
        }
    }

    private int serviceCount() {
        return configured.size() + (int) registered.keySet().stream().filter(w -> !configured.containsKey(w)).count();
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

    @Override
    public void close() {
        config.close();
        links.close();
        composer.shutdown();
        try {
            composer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}

package dev.jmesh.control.registry;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the endpoints that agents register live: in this process ({@link InMemoryRegistry}) or
 * in ZooKeeper ({@link ZooKeeperRegistry}), where every replica sees every replica's agents.
 */
public interface Registry extends AutoCloseable {

    /** A registered endpoint; closing it deregisters. Idempotent. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers {@code endpoint} for {@code workload}. Returns at once; the write may complete later. */
    Registration register(String workload, RegisteredEndpoint endpoint);

    /**
     * Calls {@code listener} with every workload's endpoints (in address order, one per
     * address; workloads without endpoints left out) now and after each change, from one
     * thread at a time.
     */
    void watch(Consumer<Map<String, List<RegisteredEndpoint>>> listener);

    /** What it is, for the start line, e.g. {@code zookeeper 127.0.0.1:2181}. */
    String describe();

    @Override
    void close();
}

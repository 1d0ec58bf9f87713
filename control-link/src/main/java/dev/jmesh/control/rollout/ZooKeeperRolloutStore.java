package dev.jmesh.control.rollout;

import dev.jmesh.control.protocol.SubsetSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Rollouts in ZooKeeper, shared by every replica:
 *
 * <pre>
 * /jmesh/rollouts/state/&lt;service&gt;    persistent: the rollout's {@link RolloutState}; replaced only
 *                                     at the version read (compare-and-set), so two replicas
 *                                     can never both take a step
 * /jmesh/rollouts/window/&lt;service&gt;   persistent: what the leader counted so far in the current step
 * /jmesh/rollouts/leader             ephemeral: the replica that advances rollouts
 * /jmesh/rollouts/totals/&lt;replica&gt;  ephemeral: that replica's sums of its agents' reports
 * </pre>
 *
 * When the leader dies its session expires, its nodes go, and another replica's next attempt
 * to lead succeeds: it reads the state as the old leader left it. Calls are synchronous, on the
 * caller's (the rollouts') thread, in a session of this store's own.
 */
final class ZooKeeperRolloutStore implements RolloutStore {

    static final String ROOT = "/jmesh/rollouts";
    private static final String STATES = ROOT + "/state";
    private static final String LEADER = ROOT + "/leader";
    private static final String WINDOWS = ROOT + "/window";
    private static final String TOTALS = ROOT + "/totals";

    private final String connect;
    private final Duration sessionTimeout;
    private final String replica;
    private final Consumer<String> log;
    private volatile ZooKeeper zk;
    private volatile boolean closed;
    private boolean pathsMade;

    ZooKeeperRolloutStore(String connect, Duration sessionTimeout, String replica, Consumer<String> log)
            throws IOException {
        this.connect = connect;
        this.sessionTimeout = sessionTimeout;
        this.replica = replica;
        this.log = log;
        this.zk = open();
    }

    private ZooKeeper open() throws IOException {
        ZooKeeper[] self = new ZooKeeper[1];
        self[0] = new ZooKeeper(connect, (int) sessionTimeout.toMillis(), event -> {
            if (!closed && event.getType() == Watcher.Event.EventType.None
                    && event.getState() == Watcher.Event.KeeperState.Expired && self[0] == zk) {
                log.accept("rollouts: zookeeper session expired; opening a new one");
                try {
                    self[0].close();
                    zk = open();
                } catch (IOException | InterruptedException e) {
                    log.accept("rollouts: zookeeper: cannot reconnect: " + e.getMessage());
                }
            }
        });
        return self[0];
    }

    private interface Call<T> {
        T run(ZooKeeper zk) throws KeeperException, InterruptedException;
    }

    private <T> T call(Call<T> call) throws StoreException {
        ZooKeeper client = zk;
        try {
            if (!pathsMade) {
                for (String path : new String[] {"/jmesh", ROOT, STATES, WINDOWS, TOTALS}) {
                    try {
                        client.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    } catch (KeeperException.NodeExistsException there) {
                        // made by another replica, or before
                    }
                }
                pathsMade = true;
            }
            return call.run(client);
        } catch (KeeperException e) {
            throw new StoreException("zookeeper: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", e);
        }
    }

    @Override
    public Map<String, Stored> states() throws StoreException {
        return call(client -> {
            Map<String, Stored> states = new TreeMap<>();
            for (String service : client.getChildren(STATES, false)) {
                Stat stat = new Stat();
                try {
                    byte[] data = client.getData(STATES + "/" + service, false, stat);
                    states.put(service, new Stored(RolloutState.decode(new String(data, StandardCharsets.UTF_8)),
                            stat.getVersion()));
                } catch (KeeperException.NoNodeException gone) {
                    // deleted between the listing and the read
                } catch (IllegalArgumentException unreadable) {
                    log.accept("rollouts: " + STATES + "/" + service + " is unreadable (" + unreadable.getMessage()
                            + "); the rollout starts again");
                    states.put(service, new Stored(null, stat.getVersion()));
                }
            }
            return states;
        });
    }

    @Override
    public boolean write(String service, RolloutState state, int version) throws StoreException {
        byte[] data = state.encode().getBytes(StandardCharsets.UTF_8);
        String path = STATES + "/" + service;
        return call(client -> {
            try {
                if (version < 0) {
                    client.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                } else {
                    client.setData(path, data, version);
                }
                return true;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException raced) {
                return false;
            }
        });
    }

    @Override
    public void saveWindow(String service, String window) throws StoreException {
        put(WINDOWS + "/" + service, window, CreateMode.PERSISTENT);
    }

    @Override
    public String window(String service) throws StoreException {
        return call(client -> {
            try {
                return new String(client.getData(WINDOWS + "/" + service, false, null), StandardCharsets.UTF_8);
            } catch (KeeperException.NoNodeException none) {
                return null;
            }
        });
    }

    @Override
    public boolean leading() {
        try {
            return call(client -> {
                try {
                    client.create(LEADER, replica.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.EPHEMERAL);
                    log.accept("rollouts: this replica (" + replica + ") leads");
                    return true;
                } catch (KeeperException.NodeExistsException held) {
                    Stat stat = client.exists(LEADER, false);
                    return stat != null && stat.getEphemeralOwner() == client.getSessionId();
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    @Override
    public void publish(Map<String, SubsetSummary> totals) throws StoreException {
        put(TOTALS + "/" + replica, Totals.encode(totals), CreateMode.EPHEMERAL);
    }

    /** Writes {@code path}, whoever wrote it before, creating it the first time. */
    private void put(String path, String text, CreateMode mode) throws StoreException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        call(client -> {
            try {
                client.setData(path, data, -1);
            } catch (KeeperException.NoNodeException first) {
                client.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
            }
            return null;
        });
    }

    @Override
    public Map<String, Map<String, SubsetSummary>> totals() throws StoreException {
        return call(client -> {
            Map<String, Map<String, SubsetSummary>> all = new TreeMap<>();
            for (String other : client.getChildren(TOTALS, false)) {
                try {
                    all.put(other, Totals.decode(new String(client.getData(TOTALS + "/" + other, false, null),
                            StandardCharsets.UTF_8)));
                } catch (KeeperException.NoNodeException gone) {
                    // that replica just went
                } catch (IllegalArgumentException unreadable) {
                    log.accept("rollouts: replica " + other + "'s sums are unreadable, left out: " + unreadable.getMessage());
                }
            }
            return all;
        });
    }

    @Override
    public String describe() {
        return "zookeeper " + connect;
    }

    @Override
    public void close() {
        closed = true;
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.jmesh.control.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The registry in ZooKeeper, shared by every replica:
 *
 * <pre>
 * /jmesh/endpoints/&lt;workload&gt;/&lt;host:port&gt;#&lt;sequence&gt;   ephemeral, one per agent link; its
 *                                                  data the endpoint's zone and labels
 * </pre>
 *
 * The replica holding an agent's link writes the node with its own session: the node goes
 * when the link closes (GOODBYE, or the agent died and its connection dropped) and, should the
 * replica die, when its session expires; by then the agent has reconnected to another replica,
 * which wrote a node of its own (hence the sequence suffix: both may exist for a moment and
 * readers take distinct addresses). Every replica watches the whole tree (a persistent recursive
 * watch) and rereads it on a change, so replicas keep no state of their own.
 *
 * <p>All ZooKeeper calls run on one thread of this class; the link server never waits for them.
 */
public final class ZooKeeperRegistry implements Registry {

    static final String ROOT = "/jmesh/endpoints";

    private final String connect;
    private final Duration sessionTimeout;
    private final Consumer<String> log;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmesh-control-zookeeper");
        t.setDaemon(true);
        return t;
    });
    private final Map<Node, String> nodes = new ConcurrentHashMap<>(); // registration -> its path, "" until written
    /** Nodes of ended registrations that could not be deleted yet (ZooKeeper unreachable): deleted on reconnect. */
    private final Set<String> undeleted = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Map<String, List<RegisteredEndpoint>>>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    /** One watcher object: ZooKeeper keeps a watcher once per path, however often it is added again. */
    private final Watcher treeWatcher = event -> scheduleRefresh();
    private volatile ZooKeeper zk;
    private volatile boolean closed;
    private Map<String, List<RegisteredEndpoint>> last; // worker thread only
    /** Each node's endpoint, read once: a node's data never changes, its name is never reused. */
    private Map<String, RegisteredEndpoint> read = new HashMap<>(); // worker thread only

    private final class Node implements Registration {
        final String workload;
        final RegisteredEndpoint endpoint;
        final AtomicBoolean done = new AtomicBoolean();

        Node(String workload, RegisteredEndpoint endpoint) {
            this.workload = workload;
            this.endpoint = endpoint;
        }

        @Override
        public void close() {
            if (done.compareAndSet(false, true)) {
                submit(() -> delete(this));
            }
        }
    }

    public ZooKeeperRegistry(String connect, Duration sessionTimeout, Consumer<String> log) throws IOException {
        this.connect = connect;
        this.sessionTimeout = sessionTimeout;
        this.log = log;
        this.zk = open();
    }

    private ZooKeeper open() throws IOException {
        ZooKeeper[] self = new ZooKeeper[1];
        ZooKeeper client = new ZooKeeper(connect, (int) sessionTimeout.toMillis(), event -> onEvent(self[0], event));
        self[0] = client;
        return client;
    }

    private void onEvent(ZooKeeper client, WatchedEvent event) {
        if (closed || event.getType() != Watcher.Event.EventType.None) {
            return;
        }
        switch (event.getState()) {
            case SyncConnected -> submit(() -> {
                if (client == zk) {
                    sync();
                }
            });
            case Expired -> submit(() -> {
                if (client != zk) {
                    return;
                }
                log.accept("zookeeper session expired; opening a new one and writing this replica's endpoints again");
                try {
                    client.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                nodes.replaceAll((n, path) -> "");
                undeleted.clear(); // the old session's nodes are gone with it
                try {
                    zk = open();
                } catch (IOException e) {
                    log.accept("zookeeper: cannot reconnect: " + e.getMessage());
                }
            });
            case Disconnected -> log.accept("zookeeper: disconnected from " + connect + "; retrying (registered endpoints stay until the session expires)");
            default -> { }
        }
    }

    /** (Re)connected: the tree exists, the watch is set, every registration has its node, and the view is fresh. */
    private void sync() {
        try {
            ensurePath(ROOT);
            zk.addWatch(ROOT, treeWatcher, AddWatchMode.PERSISTENT_RECURSIVE);
            for (String path : undeleted) {
                try {
                    zk.delete(path, -1);
                } catch (KeeperException.NoNodeException gone) {
                    // went with its session
                }
                undeleted.remove(path);
            }
            for (Map.Entry<Node, String> e : nodes.entrySet()) {
                if (e.getValue().isEmpty() && !e.getKey().done.get()) {
                    create(e.getKey());
                }
            }
            refresh();
        } catch (KeeperException e) {
            log.accept("zookeeper: " + e.getMessage() + "; retrying on the next connection event");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensurePath(String path) throws KeeperException, InterruptedException {
        StringBuilder at = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            at.append('/').append(part);
            try {
                zk.create(at.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException ignored) {
                // there already
            }
        }
    }

    @Override
    public Registration register(String workload, RegisteredEndpoint endpoint) {
        Node node = new Node(workload, endpoint);
        nodes.put(node, "");
        submit(() -> {
            try {
                create(node);
            } catch (KeeperException e) {
                log.accept("zookeeper: cannot register " + workload + " " + endpoint.address() + " yet: " + e.getMessage()
                        + "; retried on reconnect");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return node;
    }

    private void create(Node node) throws KeeperException, InterruptedException {
        String current = nodes.get(node);
        if (node.done.get() || current == null || !current.isEmpty()) {
            return; // deregistered, or written already
        }
        String parent = ROOT + "/" + node.workload;
        try {
            zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException ignored) {
            // another agent of this workload made it
        }
        String path = zk.create(parent + "/" + node.endpoint.address() + "#", node.endpoint.data(),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        nodes.put(node, path);
    }

    private void delete(Node node) {
        String path = nodes.remove(node);
        if (path == null || path.isEmpty()) {
            return;
        }
        try {
            zk.delete(path, -1);
        } catch (KeeperException.NoNodeException ignored) {
            // gone with an expired session
        } catch (KeeperException e) {
            log.accept("zookeeper: cannot delete " + path + " yet: " + e.getMessage() + "; retried on reconnect");
            undeleted.add(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void scheduleRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            submit(() -> {
                refreshQueued.set(false);
                refresh();
            });
        }
    }

    private void refresh() {
        Map<String, List<RegisteredEndpoint>> view = new TreeMap<>();
        Map<String, RegisteredEndpoint> seen = new HashMap<>();
        try {
            for (String workload : zk.getChildren(ROOT, false)) {
                Set<RegisteredEndpoint> endpoints = new TreeSet<>(); // one per address: the first node read
                try {
                    for (String child : zk.getChildren(ROOT + "/" + workload, false)) {
                        int hash = child.lastIndexOf('#');
                        String address = hash < 0 ? child : child.substring(0, hash);
                        String path = ROOT + "/" + workload + "/" + child;
                        RegisteredEndpoint endpoint = read.get(path);
                        try {
                            if (endpoint == null) {
                                endpoint = RegisteredEndpoint.read(address, zk.getData(path, false, null));
                            }
                            seen.put(path, endpoint);
                            endpoints.add(endpoint);
                        } catch (KeeperException.NoNodeException gone) {
                            // its link closed between the listing and the read
                        }
                    }
                } catch (KeeperException.NoNodeException ignored) {
                    continue;
                }
                if (!endpoints.isEmpty()) {
                    view.put(workload, new ArrayList<>(endpoints));
                }
            }
        } catch (KeeperException e) {
            log.accept("zookeeper: cannot read " + ROOT + ": " + e.getMessage() + "; keeping the last view");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        read = seen;
        if (!view.equals(last)) {
            last = view;
            Map<String, List<RegisteredEndpoint>> published = Map.copyOf(view);
            listeners.forEach(l -> l.accept(new TreeMap<>(published)));
        }
    }

    @Override
    public void watch(Consumer<Map<String, List<RegisteredEndpoint>>> listener) {
        listeners.add(listener);
        submit(() -> {
            if (last != null) {
                listener.accept(new TreeMap<>(last));
            }
        });
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.accept("zookeeper: " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing
        }
    }

    @Override
    public String describe() {
        return "zookeeper " + connect;
    }

    /** Deletes this replica's nodes (closing the session does) and stops. */
    @Override
    public void close() {
        closed = true;
        worker.shutdown();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

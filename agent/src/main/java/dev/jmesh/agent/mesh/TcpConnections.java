package dev.jmesh.agent.mesh;

import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The connections the mesh opened (or is opening without blocking), by socket or channel, so
 * that a close can be counted against its endpoint: open connections are what
 * {@code least-request} balances on for a tcp service.
 *
 * <p>Keys are held weakly (sockets and channels compare by identity): a connection the
 * application drops without closing is not kept alive by the mesh, and is counted closed when
 * the garbage collector finds it unreachable, as the JDK then closes its socket. Every close in
 * the JVM is reported here; while the mesh has no connection of its own that costs one
 * volatile read.
 */
final class TcpConnections {

    /** Its thread starts with the first connection the mesh opens, not with the agent. */
    private static final class Dropped {
        static final Cleaner CLEANER = Cleaner.create(runnable -> {
            Thread thread = new Thread(runnable, "jmesh-connection-cleaner");
            thread.setDaemon(true);
            return thread;
        });
    }

    private final Map<Object, Cleaner.Cleanable> connections = new WeakHashMap<>();
    private final Map<Object, MeshTcpConnect> pending = new WeakHashMap<>();
    private volatile boolean empty = true;

    /** Counts {@code connection} open until it is closed, or dropped and collected. */
    synchronized void opened(Object connection, MeshTcpConnect connect) {
        pending.remove(connection);
        // The action holds the connect, never the connection, so it cannot keep it alive.
        connections.put(connection, Dropped.CLEANER.register(connection, connect::closed));
        empty = false;
    }

    synchronized void pending(Object connection, MeshTcpConnect connect) {
        pending.put(connection, connect);
        empty = false;
    }

    /** The pending connect of {@code connection}, removed, or null. */
    MeshTcpConnect finishPending(Object connection) {
        if (empty) {
            return null;
        }
        synchronized (this) {
            MeshTcpConnect connect = pending.remove(connection);
            updateEmpty();
            return connect;
        }
    }

    /**
     * {@code connection} was closed. A pending one stays pending: the JDK closes a channel whose
     * {@code finishConnect} failed before the failure reaches {@link #finishPending}.
     */
    void closed(Object connection) {
        if (empty) {
            return;
        }
        Cleaner.Cleanable open;
        synchronized (this) {
            open = connections.remove(connection);
            updateEmpty();
        }
        if (open != null) {
            open.clean(); // runs MeshTcpConnect.closed once, and never again at collection
        }
    }

    private void updateEmpty() {
        empty = connections.isEmpty() && pending.isEmpty();
    }
}

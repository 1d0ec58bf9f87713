package dev.jmesh.agent.mesh;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * The connections the mesh opened (or is opening without blocking), by socket or channel, so
 * that a close can be counted against its endpoint: open connections are what
 * {@code least-request} balances on for a tcp service.
 *
 * <p>Keys are held weakly (sockets and channels compare by identity): a connection the
 * application drops without closing is not kept alive by the mesh. Every close in the JVM is
 * reported here; while the mesh has no connection of its own that costs one volatile read.
 */
final class TcpConnections {

    private final Map<Object, MeshTcpConnect> connections = new WeakHashMap<>();
    private final Map<Object, MeshTcpConnect> pending = new WeakHashMap<>();
    private volatile boolean empty = true;

    synchronized void opened(Object connection, MeshTcpConnect connect) {
        pending.remove(connection);
        connections.put(connection, connect);
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

    void closed(Object connection) {
        if (empty) {
            return;
        }
        MeshTcpConnect connect;
        synchronized (this) {
            connect = connections.remove(connection);
            pending.remove(connection);
            updateEmpty();
        }
        if (connect != null) {
            connect.closed();
        }
    }

    private void updateEmpty() {
        empty = connections.isEmpty() && pending.isEmpty();
    }
}

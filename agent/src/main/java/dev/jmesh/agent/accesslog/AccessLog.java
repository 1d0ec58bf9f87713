package dev.jmesh.agent.accesslog;

import dev.jmesh.agent.AgentLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log: one line per request, written off the request path by a thread of its own. A
 * request only queues its entry (lock-free); when the queue is full (the disk cannot keep up)
 * the entry is dropped and counted, never waited for, and a failing file never fails a call.
 */
public final class AccessLog {

    static final int MAX_QUEUED = 16_384;
    /** How long the writer waits for entries before it looks again (it is woken by the first one). */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ConcurrentLinkedQueue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Writer out;
    private final String where;
    private volatile Thread writer;
    private volatile boolean idle;

    private AccessLog(Writer out, String where) {
        this.out = out;
        this.where = where;
    }

    /**
     * Opens the log at {@code path} ({@code -}: standard error), appending; null when it cannot be
     * opened, which is said in one line: the application runs on without it.
     */
    public static AccessLog open(Path path) {
        try {
            Writer out;
            if (path.toString().equals("-")) {
                out = new OutputStreamWriter(System.err, StandardCharsets.UTF_8);
            } else {
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            AccessLog log = new AccessLog(out instanceof BufferedWriter ? out : new BufferedWriter(out, 8192),
                    path.toString().equals("-") ? "stderr" : path.toString());
            Thread thread = new Thread(log::drain, "jmesh-access-log");
            thread.setDaemon(true);
            log.writer = thread;
            thread.start();
            return log;
        } catch (IOException | RuntimeException e) {
            AgentLog.line("access log " + path + " could not be opened, requests are not logged: " + e);
            return null;
        }
    }

    /** Queues one request's entry; never blocks. */
    public void log(AccessLogEntry entry) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(entry);
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** Entries dropped because the writer fell behind ({@code jmesh_access_log_dropped_total}). */
    public long dropped() {
        return dropped.sum();
    }

    private void drain() {
        boolean failing = false;
        for (;;) {
            AccessLogEntry entry = queue.poll();
            if (entry == null) {
                failing = flush(failing);
                idle = true;
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, IDLE_NANOS);
                }
                idle = false;
                continue;
            }
            queued.decrementAndGet();
            try {
                out.write(entry.render());
                out.write('\n');
                failing = false;
            } catch (IOException e) {
                failing = report(failing, e);
            }
        }
    }

    private boolean flush(boolean failing) {
        try {
            out.flush();
            return failing;
        } catch (IOException e) {
            return report(failing, e);
        }
    }

    /** Says a failure once, until writing works again. */
    private boolean report(boolean failing, IOException e) {
        if (!failing) {
            AgentLog.line("access log " + where + ": write failed, lines are lost until it works again: " + e.getMessage());
        }
        return true;
    }
}

package dev.jmesh.agent.serving;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.agent.accesslog.AccessLogEntry;
import dev.jmesh.agent.metrics.RequestCounts;
import dev.jmesh.agent.metrics.ResponseFlags;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.bootstrap.ServedRequest;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** One served request, from its head to its end; counted once, however often a server reports its end. */
final class ServedExchange implements ServedRequest {

    private static final AtomicIntegerFieldUpdater<ServedExchange> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(ServedExchange.class, "ended");

    private final RequestCounts counts;
    private final MeshClock clock;
    private final long startNanos;
    private final String answerHeader;
    private final Log log;
    private volatile int ended;

    /** What the access log needs of the request beyond its counts. */
    record Log(AccessLog to, String method, String path, String protocol, String authority, String caller) {}

    ServedExchange(RequestCounts counts, MeshClock clock, String answerHeader, Log log) {
        this.counts = counts;
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        this.answerHeader = answerHeader;
        this.log = log;
    }

    @Override
    public String responseHeader() {
        return answerHeader;
    }

    @Override
    public void end(int status, long requestBodyBytes, long responseBodyBytes) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return;
        }
        long nanos = clock.nanoTime() - startNanos;
        // No status: the caller went away before an answer, as Envoy flags it at the destination.
        ResponseFlags flags = status > 0 ? ResponseFlags.NONE : ResponseFlags.DC;
        counts.record(status, flags, nanos, requestBodyBytes, responseBodyBytes);
        if (log != null) {
            long millis = nanos / 1_000_000;
            log.to().log(new AccessLogEntry(System.currentTimeMillis() - millis, false, log.method(), log.path(),
                    log.protocol(), status, flags.label(), requestBodyBytes, responseBodyBytes, millis, log.authority(),
                    null, log.caller()));
        }
    }
}

package dev.jmesh.agent.serving;

import dev.jmesh.agent.accesslog.AccessLog;
import dev.jmesh.agent.accesslog.AccessLogEntry;
import dev.jmesh.agent.inbound.InboundAnswers;
import dev.jmesh.agent.inbound.InboundCallers;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.agent.metrics.PeerMetadata;
import dev.jmesh.agent.metrics.ResponseFlags;
import dev.jmesh.agent.time.MeshClock;
import dev.jmesh.bootstrap.ServedRequest;
import java.net.InetSocketAddress;

/**
 * The destination side of calls: what the application's own servers answer, whatever the
 * server. Who called comes from the inbound port when it authenticated the caller; what the
 * caller says of itself, from its {@code x-jmesh-peer} header. Only a caller that sent that
 * header (a mesh agent) is told this workload's metadata in return.
 */
public final class Serving implements InboundAnswers {

    private final MeshMetrics metrics;
    private final InboundCallers callers;
    private final MeshClock clock;
    /** The agent's own admin port (0: none), whose requests are the agent's, not the application's. */
    private final int adminPort;
    private final String answerHeader;

    public Serving(MeshMetrics metrics, InboundCallers callers, MeshClock clock, int adminPort) {
        this.metrics = metrics;
        this.callers = callers;
        this.clock = clock;
        this.adminPort = adminPort;
        this.answerHeader = metrics.local().header();
    }

    /** Begins recording a served request; null for the agent's own. See {@code ServerHooks.begin}. */
    public ServedRequest begin(String method, String path, String protocol, String authority, String peerHeader,
            InetSocketAddress remote, InetSocketAddress local) {
        if (local != null && local.getPort() == adminPort) {
            return null;
        }
        String principal = callers.principalOf(remote);
        AccessLog accessLog = metrics.accessLog();
        ServedExchange.Log log = accessLog == null ? null
                : new ServedExchange.Log(accessLog, method, path, protocol, authority, caller(principal, peerHeader));
        return new ServedExchange(metrics.served().requests(principal, peerHeader), clock,
                peerHeader == null ? null : answerHeader, log);
    }

    /** A request the inbound port answered itself (401, 403, 400): counted as served, as Envoy counts its local replies. */
    @Override
    public void answered(String method, String path, String protocol, String authority, String peerHeader,
                         String principal, int status, boolean rbac) {
        ResponseFlags flags = rbac ? ResponseFlags.RBAC : ResponseFlags.NONE;
        metrics.served().requests(principal, peerHeader).record(status, flags, 0, 0, 0);
        AccessLog accessLog = metrics.accessLog();
        if (accessLog != null) {
            accessLog.log(new AccessLogEntry(System.currentTimeMillis(), false, method, path, protocol, status,
                    flags.label(), 0, 0, 0, authority, null, caller(principal, peerHeader)));
        }
    }

    /** The caller as the access log names it: its proven identity, else what it says it is. */
    private static String caller(String principal, String peerHeader) {
        if (principal != null) {
            return principal;
        }
        String workload = PeerMetadata.parse(peerHeader).workload();
        return workload.equals(PeerMetadata.UNKNOWN_VALUE) ? null : workload;
    }
}

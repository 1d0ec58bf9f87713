package dev.jmesh.agent.control;

import dev.jmesh.agent.AgentLog;
import dev.jmesh.agent.identity.CertificateRenewal;
import dev.jmesh.agent.mesh.MeshRouter;
import dev.jmesh.agent.mesh.MeshSecurity;
import dev.jmesh.agent.mesh.RouteTable;
import dev.jmesh.agent.metrics.MeshMetrics;
import dev.jmesh.control.client.ControlLinkClient;
import dev.jmesh.control.client.LinkOptions;
import dev.jmesh.policy.ConfigParser;
import dev.jmesh.policy.ConfigProblem;
import dev.jmesh.policy.ControlConfig;
import dev.jmesh.policy.InboundConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.ParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The agent's side of the control link: validates each pushed snapshot with the policy file's
 * own strict parser, lays its services over the local file's, and publishes the new route table
 * with one volatile write; or NACKs with the parser's line:column errors and keeps the policy in
 * effect. The last good snapshot is cached to disk, and the agent starts from it (before any
 * server answers) after a restart.
 */
public final class ControlLink implements ControlLinkClient.Listener {

    private final MeshConfig local;
    private final MeshRouter router;
    private final MeshMetrics metrics;
    private final SnapshotCache cache;
    private final SubsetReports reports;
    private final CertificateRenewal renewal;
    private volatile MeshConfig effective;
    private volatile String lastNack;
    private volatile ControlLinkClient client;
    private volatile String cachedFrom;

    private ControlLink(MeshConfig local, MeshRouter router, MeshMetrics metrics, CertificateRenewal renewal) {
        ControlConfig control = local.control();
        this.local = local;
        this.renewal = renewal;
        this.router = router;
        this.metrics = metrics;
        this.effective = local;
        this.reports = new SubsetReports(metrics);
        this.cache = control.cacheDir() == null ? null : new SnapshotCache(control.cacheDir(), local.workload());
    }

    /**
     * Applies the cached snapshot if there is one (a local file read; the link itself is not
     * waited for), then starts the link on its own daemon thread.
     *
     * @param security this workload's identity: its certificate, when the control plane issues
     *                 it, and the SPIFFE ID its inbound port proves, registered with the port
     */
    public static ControlLink start(MeshConfig local, MeshRouter router, MeshMetrics metrics, MeshSecurity security) {
        ControlLink link = new ControlLink(local, router, metrics, security.renewal());
        metrics.linkConnected(false);
        String version = link.applyCache();
        ControlConfig control = local.control();
        int inbound = local.inbound() == null ? 0 : local.inbound().port();
        Supplier<String> token = () -> {
            if (control.tokenFile() == null) {
                return "";
            }
            try {
                return Files.readString(control.tokenFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(control.tokenFile() + ": " + e.getMessage(), e);
            }
        };
        // The endpoint registered for the inbound port carries this workload's version and zone,
        // so that subsets (and rollouts) can select it.
        String appVersion = local.telemetry().version();
        // A port that speaks mTLS says as whom, so callers are pushed mTLS to it (Istio's auto mTLS).
        boolean mutualTlsPort = local.inbound() != null && local.inbound().mtls() != InboundConfig.Mtls.DISABLE
                && security.identity() != null;
        LinkOptions options = LinkOptions.defaults(control.servers(), local.workload(), token, inbound, AgentLog::line)
                .withEndpoint(appVersion == null ? Map.of() : Map.of("version", appVersion),
                        local.zone() == null ? "" : local.zone(), mutualTlsPort ? security.identity().toString() : "");
        if (control.trustBundle() != null) {
            options = options.withTls(LinkTls.of(control.trustBundle(), security));
        }
        link.client = new ControlLinkClient(options, link, version).start();
        return link;
    }

    private String applyCache() {
        if (cache == null) {
            return "";
        }
        try {
            SnapshotCache.Entry entry = cache.read();
            if (entry == null) {
                return "";
            }
            String error = apply(entry.version(), entry.yaml(), false);
            if (error != null) {
                AgentLog.line("control: cached snapshot " + cache.file() + " not used: " + error);
                return "";
            }
            cachedFrom = cache.file().toString();
            AgentLog.line("control: starting from cached snapshot " + entry.version() + " (" + cache.file()
                    + ") until a server answers");
            return entry.version();
        } catch (IOException | RuntimeException e) {
            AgentLog.line("control: cached snapshot " + cache.file() + " not used: " + e.getMessage());
            return "";
        }
    }

    @Override
    public String apply(String version, String yaml) {
        String error = apply(version, yaml, true);
        if (error != null) {
            metrics.pushRejected();
            lastNack = "snapshot " + version + " rejected:\n" + error;
            AgentLog.line("control: snapshot " + version + " rejected, the current policy stays: "
                    + error.replace("\n", "; "));
        }
        return error;
    }

    /** Validates and applies; returns null, or the errors one per line. */
    private String apply(String version, String yaml, boolean pushed) {
        ParseResult parsed = ConfigParser.parsePushed(yaml, "snapshot " + version);
        if (!parsed.ok()) {
            return parsed.errors().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
        }
        MeshConfig next = local.withPushed(parsed.config().services());
        router.publish(RouteTable.of(next, metrics, router.table()));
        effective = next;
        metrics.configApplied(metrics.configVersion() + 1);
        metrics.pushApplied(version);
        if (pushed) {
            cachedFrom = null;
            if (cache != null) {
                try {
                    cache.write(version, yaml);
                } catch (IOException | RuntimeException e) {
                    AgentLog.line("control: cannot write the snapshot cache " + cache.file() + ": " + e.getMessage());
                }
            }
        }
        return null;
    }

    @Override
    public String report() {
        return reports.next();
    }

    @Override
    public void linkChanged(boolean connected, String server, String detail) {
        metrics.linkConnected(connected);
        if (!connected && renewal != null) {
            renewal.linkLost();
        }
    }

    @Override
    public String certificateRequest() {
        return renewal == null ? null : renewal.request();
    }

    @Override
    public void certificates(boolean ok, int chain, String text) {
        if (renewal != null) {
            renewal.answer(ok, chain, text);
        }
    }

    /** The policy in effect: the local file with the pushed services laid over it. */
    public MeshConfig effective() {
        return effective;
    }

    /** Says GOODBYE (the control plane deregisters this workload at once) and stops the link. */
    public void close() {
        client.close();
    }

    /** Link state and snapshot, for {@code /config}: a few lines. */
    public String describe() {
        ControlLinkClient c = client;
        StringBuilder out = new StringBuilder("control: ");
        if (c != null && c.connected()) {
            out.append("connected to ").append(c.server());
        } else {
            out.append("not connected (servers ").append(local.control().servers()).append(')');
        }
        String version = metrics.snapshotVersion();
        out.append(", snapshot ").append(version.isEmpty() ? "none" : version);
        if (cachedFrom != null) {
            out.append(" (from the cache ").append(cachedFrom).append(')');
        }
        String nack = lastNack;
        if (nack != null) {
            out.append("\nlast NACK: ").append(nack);
        }
        return out.toString();
    }
}

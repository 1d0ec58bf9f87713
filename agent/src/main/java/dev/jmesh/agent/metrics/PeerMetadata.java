package dev.jmesh.agent.metrics;

import dev.jmesh.policy.IdentityConfig;
import dev.jmesh.policy.MeshConfig;
import dev.jmesh.policy.SpiffeId;
import dev.jmesh.policy.TelemetryConfig;
import java.util.Map;

/**
 * What a workload says of itself for Istio's labels: its workload, namespace, app, version and
 * cluster. Agents exchange it in the {@code x-jmesh-peer} header (the caller on its requests,
 * the server on its answers to agents), as Istio's sidecars exchange peer metadata.
 *
 * <p>Header format: {@code workload=frontend;namespace=shop;app=frontend;version=v1;cluster=eu-1},
 * optionally {@code ;service=orders} (the name the caller called). Every value must be a label
 * value ({@link TelemetryConfig#isLabelValue}); what is not is {@code unknown}, so that nothing a
 * peer sends can break or bloat an exposition.
 */
public record PeerMetadata(String workload, String namespace, String app, String version, String cluster) {

    public static final String UNKNOWN_VALUE = "unknown";
    public static final PeerMetadata UNKNOWN =
            new PeerMetadata(UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE);
    /** A header longer than this is not read at all. */
    static final int MAX_HEADER = 512;

    /**
     * This workload's metadata: the policy's values, else the usual environment
     * ({@code POD_NAMESPACE}, Istio's {@code ISTIO_META_CLUSTER_ID}), else Istio's defaults.
     */
    public static PeerMetadata local(MeshConfig config, Map<String, String> env) {
        TelemetryConfig t = config.telemetry();
        String workload = config.workload() == null ? UNKNOWN_VALUE : config.workload();
        IdentityConfig identity = config.identity();
        String namespace = first(t.namespace(), validNamespace(env.get("POD_NAMESPACE")),
                identity == null ? null : identity.namespace(), "default");
        return new PeerMetadata(workload, namespace, first(t.app(), workload), first(t.version(), UNKNOWN_VALUE),
                first(t.cluster(), label(env.get("ISTIO_META_CLUSTER_ID")), "Kubernetes"));
    }

    /** This workload's SPIFFE ID, or null without an identity. */
    public static String localPrincipal(MeshConfig config) {
        IdentityConfig identity = config.identity();
        return identity == null || config.workload() == null ? null
                : SpiffeId.workload(identity.trustDomain(), identity.namespace(), config.workload()).toString();
    }

    /** What a peer's header says; {@link #UNKNOWN} for none. */
    public static PeerMetadata parse(String header) {
        if (header == null || header.length() > MAX_HEADER) {
            return UNKNOWN;
        }
        String workload = UNKNOWN_VALUE;
        String namespace = UNKNOWN_VALUE;
        String app = UNKNOWN_VALUE;
        String version = UNKNOWN_VALUE;
        String cluster = UNKNOWN_VALUE;
        int from = 0;
        while (from < header.length()) {
            int end = header.indexOf(';', from);
            if (end < 0) {
                end = header.length();
            }
            int eq = header.indexOf('=', from);
            if (eq > from && eq < end) {
                String key = header.substring(from, eq).trim();
                String value = label(header.substring(eq + 1, end).trim());
                if (value != null) {
                    switch (key) {
                        case "workload" -> workload = value;
                        case "namespace" -> namespace = value;
                        case "app" -> app = value;
                        case "version" -> version = value;
                        case "cluster" -> cluster = value;
                        default -> { } // a newer agent's key, or the called service's name
                    }
                }
            }
            from = end + 1;
        }
        return new PeerMetadata(workload, namespace, app, version, cluster);
    }

    /** The {@code service=} a caller's header names, or null. */
    static String calledService(String header) {
        if (header == null || header.length() > MAX_HEADER) {
            return null;
        }
        int at = header.indexOf(";service=");
        if (at < 0) {
            return null;
        }
        int from = at + ";service=".length();
        int end = header.indexOf(';', from);
        return label(header.substring(from, end < 0 ? header.length() : end).trim());
    }

    /**
     * This metadata with the workload and namespace an authenticated caller's SPIFFE ID
     * ({@code spiffe://td/ns/NS/sa/SA}) proves, which win over what its header says.
     */
    PeerMetadata authenticatedAs(String principal) {
        String path = principal.startsWith("spiffe://") ? principal.substring(principal.indexOf('/', 9) + 1) : "";
        String[] parts = path.split("/");
        if (parts.length != 4 || !parts[0].equals("ns") || !parts[2].equals("sa")) {
            return this;
        }
        String ns = label(parts[1]);
        String sa = label(parts[3]);
        return new PeerMetadata(sa == null ? workload : sa, ns == null ? namespace : ns, app, version, cluster);
    }

    /** This metadata as the header carries it. */
    public String header() {
        return "workload=" + workload + ";namespace=" + namespace + ";app=" + app + ";version=" + version
                + ";cluster=" + cluster;
    }

    /** Istio's canonical service: the app, else the workload. */
    String canonicalService() {
        return app.equals(UNKNOWN_VALUE) ? workload : app;
    }

    /** Istio's canonical revision: the version, {@code latest} when unknown. */
    String canonicalRevision() {
        return version.equals(UNKNOWN_VALUE) ? "latest" : version;
    }

    private static String label(String value) {
        return value != null && TelemetryConfig.isLabelValue(value) ? value : null;
    }

    private static String validNamespace(String value) {
        return value == null || value.isEmpty() || label(value) == null ? null : value;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return UNKNOWN_VALUE;
    }
}

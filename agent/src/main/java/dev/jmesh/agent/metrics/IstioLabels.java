package dev.jmesh.agent.metrics;

/**
 * Istio's standard labels for one pair of peers, in the order Istio's stats filter writes them,
 * as one rendered string: the same labels for both reporters, with the values Istio would give.
 * {@code connection_security_policy} is {@code unknown} at the source, as Istio reports it there;
 * at the destination it is {@code mutual_tls} or {@code none}.
 */
final class IstioLabels {

    private static final String UNKNOWN = PeerMetadata.UNKNOWN_VALUE;

    private IstioLabels() {}

    /**
     * @param sourcePrincipal      the caller's SPIFFE ID when it was authenticated, else null
     * @param destinationPrincipal the server's SPIFFE ID when it was authenticated, else null
     * @param service              the destination service's name
     * @param subset               the subset a route sent the request to, or null
     * @param protocol             {@code http} or {@code tcp}
     * @param security             {@code unknown} (source), {@code mutual_tls} or {@code none}
     */
    static String render(String reporter, PeerMetadata source, String sourcePrincipal, PeerMetadata destination,
            String destinationPrincipal, String service, String subset, String protocol, String security) {
        StringBuilder out = new StringBuilder(640);
        label(out, "reporter", reporter);
        label(out, "source_workload", source.workload());
        label(out, "source_canonical_service", source.canonicalService());
        label(out, "source_canonical_revision", source.canonicalRevision());
        label(out, "source_workload_namespace", source.namespace());
        label(out, "source_principal", sourcePrincipal == null ? UNKNOWN : sourcePrincipal);
        label(out, "source_app", source.app());
        label(out, "source_version", source.version());
        label(out, "source_cluster", source.cluster());
        label(out, "destination_workload", destination.workload());
        label(out, "destination_workload_namespace", destination.namespace());
        label(out, "destination_principal", destinationPrincipal == null ? UNKNOWN : destinationPrincipal);
        label(out, "destination_app", destination.app());
        label(out, "destination_version", destination.version());
        label(out, "destination_service", service);
        label(out, "destination_canonical_service", destination.canonicalService());
        label(out, "destination_canonical_revision", destination.canonicalRevision());
        label(out, "destination_service_name", service);
        label(out, "destination_service_namespace", destination.namespace());
        label(out, "destination_cluster", destination.cluster());
        if (subset != null) {
            label(out, "destination_subset", subset);
        }
        label(out, "request_protocol", protocol);
        label(out, "connection_security_policy", security);
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private static void label(StringBuilder out, String name, String value) {
        out.append(name).append("=\"").append(PrometheusText.escape(value)).append("\",");
    }
}

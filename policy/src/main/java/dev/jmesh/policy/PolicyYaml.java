package dev.jmesh.policy;

/**
 * Writes a policy back as YAML in the file's own schema, every default spelled out: what the
 * admin endpoint's {@code /config} shows as the effective policy. Parsing the output gives the
 * same policy. Each section is written by the reader that reads it, so a key's reading,
 * default and writing sit together; this class only puts the sections in order.
 */
public final class PolicyYaml {

    private PolicyYaml() {}

    public static String render(MeshConfig config) {
        StringBuilder out = new StringBuilder();
        if (config.workload() != null) {
            out.append("workload: ").append(config.workload()).append('\n');
        }
        if (config.zone() != null) {
            out.append("zone: ").append(TrafficReader.quoted(config.zone())).append('\n');
        }
        TelemetryReader.render(config.telemetry(), out);
        if (config.admin() != null) {
            out.append("admin: ").append(PolicyReader.renderAdmin(config.admin())).append('\n');
        }
        if (config.control() != null) {
            out.append("control: ").append(LinkReader.render(config.control())).append('\n');
        }
        if (config.inbound() != null) {
            out.append("inbound: ").append(SecurityReader.renderInbound(config.inbound())).append('\n');
        }
        if (config.identity() != null) {
            out.append("identity: ").append(SecurityReader.renderIdentity(config.identity())).append('\n');
        }
        out.append("drainTime: ").append(Durations.format(config.drainTime())).append('\n');
        out.append("services:");
        if (config.services().isEmpty()) {
            return out.append(" {}\n").toString();
        }
        out.append('\n');
        for (ServiceConfig service : config.services().values()) {
            PolicyReader.renderService(service, out);
        }
        return out.toString();
    }
}

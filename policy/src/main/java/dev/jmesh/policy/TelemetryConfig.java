package dev.jmesh.policy;

import java.nio.file.Path;

/**
 * This workload's metadata for Istio's labels ({@code namespace}, {@code app}, {@code version},
 * {@code cluster} next to {@code workload}), and the access log. Values are as the file wrote
 * them: {@code null} where it left one out, for the agent to default from its environment.
 *
 * @param accessLog where access log lines go, or {@code null} for no access log;
 *                  {@link #STDERR} for standard error
 */
public record TelemetryConfig(String namespace, String app, String version, String cluster, Path accessLog) {

    /** None of the keys written: every value defaulted, no access log. */
    public static final TelemetryConfig DEFAULTS = new TelemetryConfig(null, null, null, null, null);

    /** {@code accessLog: { path: "-" }}. */
    public static final Path STDERR = Path.of("-");

    /** Kubernetes' bound on a label value, which Istio's label values come from. */
    public static final int MAX_LABEL_VALUE = 63;

    /**
     * Whether {@code text} may be a label value: Kubernetes' rule ({@code [A-Za-z0-9]} at both
     * ends, {@code -_.} and alphanumerics between, at most 63). What a peer says of itself is held
     * to it too, so nothing a caller sends can break or bloat an exposition.
     */
    public static boolean isLabelValue(String text) {
        int n = text.length();
        if (n == 0 || n > MAX_LABEL_VALUE || !alphanumeric(text.charAt(0)) || !alphanumeric(text.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = text.charAt(i);
            if (!alphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}

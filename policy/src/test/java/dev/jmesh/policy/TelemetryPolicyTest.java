package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.singleError;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TelemetryPolicyTest {

    @Test
    void workloadMetadataAndTheAccessLogAreReadAsWritten() {
        MeshConfig config = valid(lines(
                "workload: orders",
                "namespace: shop",
                "app: orders-api",
                "version: v1.2_rc",
                "cluster: eu-1",
                "accessLog: { path: /var/log/jmesh/access.log }"));
        assertEquals(new TelemetryConfig("shop", "orders-api", "v1.2_rc", "eu-1", Path.of("/var/log/jmesh/access.log")),
                config.telemetry());
    }

    @Test
    void keysLeftOutStayUnsetForTheAgentToDefault() {
        assertEquals(TelemetryConfig.DEFAULTS, valid("workload: orders\n").telemetry());
    }

    @Test
    void aDashIsStandardError() {
        assertEquals(TelemetryConfig.STDERR, valid("accessLog: { path: \"-\" }\n").telemetry().accessLog());
    }

    @Test
    void badValuesAreErrorsAtTheirLineAndColumn() {
        singleError("workload: a\nversion: \"v1 beta\"\n", 2, 10, "bad version 'v1 beta'");
        singleError("namespace: Shop\n", 1, 12, "bad namespace 'Shop'");
        singleError("app: -x\n", 1, 6, "bad app '-x'");
        singleError("cluster: " + "c".repeat(64) + "\n", 1, 10, "at most 63 characters");
        singleError("accessLog: { path: a.log, file: x }\n", 1, 27, "unknown key 'file'");
        singleError("accessLog: {}\n", 1, 1, "path");
    }

    @Test
    void renderingParsesBackToTheSamePolicy() {
        MeshConfig config = valid(lines(
                "workload: orders", "namespace: shop", "app: orders", "version: v2", "cluster: eu-1",
                "accessLog: { path: \"-\" }"));
        assertEquals(config, valid(PolicyYaml.render(config)));
    }

    @Test
    void labelValuesFollowKubernetesRules() {
        assertTrue(TelemetryConfig.isLabelValue("v1.2-rc_3"));
        assertTrue(TelemetryConfig.isLabelValue("A"));
        assertFalse(TelemetryConfig.isLabelValue(""));
        assertFalse(TelemetryConfig.isLabelValue("v1;x=y"));
        assertFalse(TelemetryConfig.isLabelValue("a\"b"));
        assertFalse(TelemetryConfig.isLabelValue("x".repeat(64)));
    }
}

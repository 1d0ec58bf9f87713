package dev.jmesh.control.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Composes the document every agent is pushed: the config directory's services, plus one
 * service per registered workload, named by the workload, whose endpoints are the registered
 * ones. When the config directory also defines that name, its policy (balancer, retries...) is
 * kept and only its {@code endpoints} are replaced by the registered ones.
 *
 * <p>The version is content-addressed (the first 16 hex digits of the document's SHA-256), so
 * two replicas with the same config and the same ZooKeeper view push the same version, and an
 * agent that reconnects to another replica is not sent what it already has.
 */
final class Snapshots {

    private Snapshots() {}

    /** A composed snapshot. */
    record Snapshot(String version, String yaml) {}

    static Snapshot compose(Map<String, Object> configured, Map<String, List<String>> registered) {
        Map<String, Object> services = new LinkedHashMap<>(configured);
        registered.forEach((workload, endpoints) -> {
            Map<String, Object> service = new LinkedHashMap<>();
            if (services.get(workload) instanceof Map<?, ?> policy) {
                policy.forEach((k, v) -> service.put(String.valueOf(k), v));
            }
            service.put("endpoints", List.copyOf(endpoints));
            services.put(workload, service);
        });
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("services", services);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(1 << 16); // one scalar per line: the agent's line numbers stay readable
        String yaml = new Yaml(options).dump(doc);
        return new Snapshot(hash(yaml), yaml);
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

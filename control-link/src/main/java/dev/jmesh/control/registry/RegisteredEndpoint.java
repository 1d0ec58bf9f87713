package dev.jmesh.control.registry;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An endpoint an agent registered: its {@code host:port}, the labels subsets select it by
 * (its {@code version}, say), its zone ("" for none) and the SPIFFE ID it proves over mutual
 * TLS ("" for a plaintext port), as the agent's HELLO said them.
 */
public record RegisteredEndpoint(String address, Map<String, String> labels, String zone, String identity)
        implements Comparable<RegisteredEndpoint> {

    public RegisteredEndpoint {
        Objects.requireNonNull(address, "address");
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(identity, "identity");
    }

    /** Without labels, a zone or an identity. */
    public static RegisteredEndpoint of(String address) {
        return new RegisteredEndpoint(address, Map.of(), "", "");
    }

    /** Whether it is just an address, written as one in a snapshot. */
    public boolean plain() {
        return labels.isEmpty() && zone.isEmpty();
    }

    /** The ZooKeeper node's data: {@code zone=Z}, {@code identity=ID} and one {@code label.NAME=VALUE} per line. */
    byte[] data() {
        StringBuilder out = new StringBuilder();
        if (!zone.isEmpty()) {
            out.append("zone=").append(zone).append('\n');
        }
        if (!identity.isEmpty()) {
            out.append("identity=").append(identity).append('\n');
        }
        labels.forEach((k, v) -> out.append("label.").append(k).append('=').append(v).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An endpoint read back from a node written by {@link #data()}; unknown lines are ignored. */
    static RegisteredEndpoint read(String address, byte[] data) {
        Map<String, String> labels = new TreeMap<>();
        String zone = "";
        String identity = "";
        for (String line : new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            if (line.startsWith("label.")) {
                labels.put(line.substring("label.".length(), eq), line.substring(eq + 1));
            } else if (line.startsWith("zone=")) {
                zone = line.substring(eq + 1);
            } else if (line.startsWith("identity=")) {
                identity = line.substring(eq + 1);
            }
        }
        return new RegisteredEndpoint(address, labels, zone, identity);
    }

    /** By address: a workload's endpoints are listed, and kept distinct, in address order. */
    @Override
    public int compareTo(RegisteredEndpoint other) {
        return address.compareTo(other.address);
    }
}

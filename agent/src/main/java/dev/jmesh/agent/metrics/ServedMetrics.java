package dev.jmesh.agent.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this workload's own servers answered, as Istio's destination reporter counts
 * them: by caller (what its {@code x-jmesh-peer} header says, with the workload and namespace
 * its certificate proves when it was authenticated) and by how the connection was secured.
 * A caller that did not authenticate is never taken at its word for an identity: its principal
 * stays {@code unknown}, and {@code connection_security_policy} is {@code none}.
 */
public final class ServedMetrics {

    /** At most this many distinct authenticated callers get series of their own. */
    private static final int MAX_PRINCIPALS = 64;

    private final MeshMetrics mesh;
    /** Made at the first served request: a workload that serves nothing renders no labels at start. */
    private volatile PeerCounts plaintext;
    private final ConcurrentHashMap<String, PeerCounts> authenticated = new ConcurrentHashMap<>();

    ServedMetrics(MeshMetrics mesh) {
        this.mesh = mesh;
    }

    /**
     * Where one served request is counted.
     *
     * @param principal  the caller's SPIFFE ID when it came over mutual TLS, else null
     * @param peerHeader the request's {@code x-jmesh-peer} header, or null
     */
    public RequestCounts requests(String principal, String peerHeader) {
        if (principal == null) {
            return plaintext().of(peerHeader);
        }
        PeerCounts peers = authenticated.get(principal);
        if (peers == null) {
            String bounded = authenticated.size() < MAX_PRINCIPALS ? principal : PeerMetadata.UNKNOWN_VALUE;
            peers = authenticated.computeIfAbsent(bounded, p -> new PeerCounts(header -> labels(p, header)));
        }
        return peers.of(peerHeader);
    }

    private PeerCounts plaintext() {
        PeerCounts peers = plaintext;
        if (peers == null) {
            synchronized (this) {
                peers = plaintext;
                if (peers == null) {
                    peers = new PeerCounts(header -> labels(null, header));
                    plaintext = peers;
                }
            }
        }
        return peers;
    }

    private String labels(String principal, String header) {
        PeerMetadata source = PeerMetadata.parse(header);
        if (principal != null) {
            source = source.authenticatedAs(principal);
        }
        // The name the caller called this workload by, as its own reporter says it; else the workload's.
        String called = PeerMetadata.calledService(header);
        PeerMetadata local = mesh.local();
        return IstioLabels.render("destination", source, principal, local, principal == null ? null : mesh.principal(),
                called == null ? local.workload() : called, null, "http", principal == null ? "none" : "mutual_tls");
    }

    /** Every label set that counted a request, in label order. */
    List<RequestCounts> requestCounts() {
        PeerCounts unauthenticated = plaintext;
        List<RequestCounts> all = new ArrayList<>(unauthenticated == null ? List.of() : unauthenticated.all());
        authenticated.values().forEach(peers -> all.addAll(peers.all()));
        all.sort(Comparator.comparing(c -> c.labels));
        return all;
    }
}

package dev.jmesh.agent.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Request counts by peer, for one pairing of identities: a peer is what its {@code x-jmesh-peer}
 * header says of it. Bounded both ways, since a header is the peer's to write: at most
 * {@link #MAX_PEERS} label sets (then {@code unknown}), and a cache of raw header values so
 * that a peer's header is parsed once, not per request.
 */
final class PeerCounts {

    static final int MAX_PEERS = 64;
    private static final int MAX_CACHED_HEADERS = 256;

    private final Function<String, String> labels;
    private final RequestCounts unknown;
    private final ConcurrentHashMap<String, RequestCounts> byLabels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RequestCounts> byHeader = new ConcurrentHashMap<>();

    /** @param labels the rendered labels for the peer a header describes ({@code null}: an unknown peer) */
    PeerCounts(Function<String, String> labels) {
        this.labels = labels;
        this.unknown = new RequestCounts(labels.apply(null));
        byLabels.put(unknown.labels, unknown);
    }

    /** The counts for the peer {@code header} describes; {@code null} is an unknown peer. */
    RequestCounts of(String header) {
        if (header == null) {
            return unknown;
        }
        RequestCounts counts = byHeader.get(header);
        if (counts != null) {
            return counts;
        }
        String rendered = labels.apply(header);
        counts = byLabels.get(rendered);
        if (counts == null) {
            counts = byLabels.size() >= MAX_PEERS ? unknown
                    : byLabels.computeIfAbsent(rendered, RequestCounts::new);
        }
        if (byHeader.size() < MAX_CACHED_HEADERS) {
            byHeader.putIfAbsent(header, counts);
        }
        return counts;
    }

    /** The label sets that counted a request, in label order. */
    List<RequestCounts> all() {
        List<RequestCounts> all = new ArrayList<>();
        for (RequestCounts counts : byLabels.values()) {
            if (counts != unknown || counts.total() > 0) {
                all.add(counts);
            }
        }
        all.sort(Comparator.comparing(c -> c.labels));
        return all;
    }
}

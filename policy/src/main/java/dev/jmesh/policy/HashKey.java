package dev.jmesh.policy;

import java.util.Objects;

/**
 * What a hashing balancer hashes: for HTTP services {@code header:NAME}, {@code path} or
 * {@code query:NAME}; for TCP services {@code source-ip}, this host's address.
 *
 * @param source where the key comes from
 * @param name   the header or query parameter name (header names lower-cased); null for {@code path}
 */
public record HashKey(Source source, String name) {

    public enum Source {
        HEADER, PATH, QUERY, SOURCE_IP;

        /** Whether the key needs a name after the colon. */
        boolean named() {
            return this == HEADER || this == QUERY;
        }
    }

    public HashKey {
        Objects.requireNonNull(source, "source");
        if (source.named() == (name == null)) {
            throw new IllegalArgumentException("header and query need a name; path and source-ip take none");
        }
    }

    /** As written in a policy file. */
    @Override
    public String toString() {
        return switch (source) {
            case HEADER -> "header:" + name;
            case PATH -> "path";
            case QUERY -> "query:" + name;
            case SOURCE_IP -> "source-ip";
        };
    }

    /** Whether this key belongs to a service of that protocol. */
    public boolean fits(Protocol protocol) {
        return (source == Source.SOURCE_IP) == (protocol == Protocol.TCP);
    }
}

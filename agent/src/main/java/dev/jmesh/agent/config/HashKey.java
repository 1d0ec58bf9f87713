package dev.jmesh.agent.config;

import java.util.Objects;

/**
 * What a hashing balancer hashes: {@code header:NAME}, {@code path} or {@code query:NAME}.
 *
 * @param source where the key comes from
 * @param name   the header or query parameter name (header names lower-cased); null for {@code path}
 */
public record HashKey(Source source, String name) {

    public enum Source { HEADER, PATH, QUERY }

    public HashKey {
        Objects.requireNonNull(source, "source");
        if ((source == Source.PATH) != (name == null)) {
            throw new IllegalArgumentException("path takes no name; header and query need one");
        }
    }

    /** As written in a policy file. */
    @Override
    public String toString() {
        return switch (source) {
            case HEADER -> "header:" + name;
            case PATH -> "path";
            case QUERY -> "query:" + name;
        };
    }
}

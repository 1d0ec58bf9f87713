package dev.jmesh.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a request must be for a route to take it; every part given must hold. Regular
 * expressions are kept as written (checked when read) so that two equal policies compare equal;
 * the agent compiles them once per snapshot.
 *
 * @param path    the path's match, or {@code null} for any path
 * @param methods the methods taken (upper case); empty = any
 * @param headers header matches (names lower-cased), all of which must hold
 * @param query   query-parameter matches, all of which must hold
 */
public record RouteMatch(Path path, Set<String> methods, List<Value> headers, List<Value> query) {

    /** Matches every request. */
    public static final RouteMatch ANY = new RouteMatch(null, Set.of(), List.of(), List.of());

    public RouteMatch {
        methods = Set.copyOf(methods);
        headers = List.copyOf(headers);
        query = List.copyOf(query);
    }

    public boolean matchesEverything() {
        return path == null && methods.isEmpty() && headers.isEmpty() && query.isEmpty();
    }

    /** For people: {@code path prefix /api/, GET|HEAD, header x-canary = "true"}; {@code any} for everything. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (path != null) {
            parts.add("path " + path);
        }
        if (!methods.isEmpty()) {
            parts.add(String.join("|", new TreeSet<>(methods)));
        }
        headers.forEach(h -> parts.add("header " + h.describe()));
        query.forEach(q -> parts.add("query " + q.describe()));
        return parts.isEmpty() ? "any" : String.join(", ", parts);
    }

    /** How a path is matched. */
    public enum PathKind { EXACT, PREFIX, REGEX }

    /** How a header or query parameter is matched. */
    public enum ValueKind { EXACT, REGEX, PRESENT, ABSENT }

    public record Path(PathKind kind, String value) {
        public Path {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(Locale.ROOT) + " " + value;
        }
    }

    /**
     * @param name  the header (lower case) or query parameter
     * @param value what to compare with; {@code null} for {@code present} and {@code absent}
     */
    public record Value(String name, ValueKind kind, String value) {
        public Value {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            if ((kind == ValueKind.EXACT || kind == ValueKind.REGEX) != (value != null)) {
                throw new IllegalArgumentException("exact and regex need a value; present and absent take none");
            }
        }

        String describe() {
            return switch (kind) {
                case EXACT -> name + " = \"" + value + "\"";
                case REGEX -> name + " ~ /" + value + "/";
                case PRESENT -> name + " present";
                case ABSENT -> name + " absent";
            };
        }
    }
}

package dev.jmesh.agent.traffic;

import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.policy.RouteMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A service's route matches, compiled once per snapshot: the index of the first route a
 * request satisfies.
 *
 * <p>Routes mostly differ by method and by exact header values (a tenant, a canary flag), so
 * those are indexed: for the first {@value #INDEXED} routes, one map lookup per method and per
 * header with exact matches narrows the routes to the candidates, as bits of a {@code long},
 * and only the candidates are judged, in order, on the rest of their conditions. Each header
 * is read at most once per request, equal conditions of several routes are judged once, and
 * within a route the cheap conditions (method, exact, prefix, presence) come before regular
 * expressions. A request allocates one small lookup, and what a regex match needs.
 *
 * <p>The path and query are compared as the application sent them (percent-encoded), as Envoy
 * does without path normalisation.
 */
public final class RouteSelector {

    /** {@link #select}: no route takes the request. */
    public static final int NONE = -1;
    /** Routes the candidate index covers (the bits of a long); later ones are judged one by one. */
    static final int INDEXED = 64;
    /** Verdicts are remembered for this many distinct conditions, header values for this many names. */
    private static final int MEMO = 64;

    // The distinct conditions, flat: judging one reads a few arrays, with no dispatch.
    private final int[] kind;
    private final int[] source;
    private final String[] name;
    private final String[] value;
    /** The header's slot among the service's header names; -1 for other sources. */
    private final int[] slot;
    private final Set<?>[] methods;
    private final Pattern[] pattern;
    /** Per route, the ids of its conditions, cheapest first. */
    private final int[][] routes;
    /** The header names the routes read, by slot. */
    private final String[] headerNames;

    // The candidate index.
    private final long indexed;
    /** The methods routes name, and per method the indexed routes that take it (a few: a scan beats a map). */
    private final String[] indexedMethods;
    private final long[] byMethod;
    /** The indexed routes that name no method: all a method no route names gets. */
    private final long anyMethod;
    /** The header slots that some route matches exactly, and per slot: value to the routes it fits, and what fits any other value. */
    private final int[] exactSlots;
    private final List<Map<String, Long>> byExactValue;
    private final long[] noExactValue;

    public RouteSelector(List<RouteMatch> matches) {
        Map<Condition, Integer> ids = new LinkedHashMap<>();
        Map<String, Integer> headers = new LinkedHashMap<>();
        List<List<Condition>> compiled = new ArrayList<>();
        this.routes = new int[matches.size()][];
        for (int r = 0; r < matches.size(); r++) {
            List<Condition> route = conditionsOf(matches.get(r), headers);
            route.sort(Comparator.comparingInt(Condition::cost));
            compiled.add(route);
            routes[r] = route.stream().mapToInt(c -> ids.computeIfAbsent(c, k -> ids.size())).toArray();
        }
        Condition[] all = ids.keySet().toArray(new Condition[0]);
        this.kind = new int[all.length];
        this.source = new int[all.length];
        this.name = new String[all.length];
        this.value = new String[all.length];
        this.slot = new int[all.length];
        this.methods = new Set<?>[all.length];
        this.pattern = new Pattern[all.length];
        for (int i = 0; i < all.length; i++) {
            Condition c = all[i];
            kind[i] = c.kind.ordinal();
            source[i] = c.source.ordinal();
            name[i] = c.name;
            value[i] = c.value;
            slot[i] = c.header;
            methods[i] = c.methods;
            pattern[i] = c.kind == Kind.REGEX ? Pattern.compile(c.value) : null;
        }
        this.headerNames = headers.keySet().toArray(new String[0]);

        int covered = Math.min(matches.size(), INDEXED);
        this.indexed = covered == 64 ? -1L : (1L << covered) - 1;
        Map<String, Long> methodIndex = new HashMap<>();
        long noMethod = 0;
        Map<Integer, Map<String, Long>> valueIndex = new LinkedHashMap<>();
        for (int r = 0; r < covered; r++) {
            for (Condition c : compiled.get(r)) {
                if (c.kind == Kind.ONE_OF) {
                    c.methods.forEach(m -> methodIndex.putIfAbsent(m, 0L));
                } else if (c.kind == Kind.EXACT && c.source == Source.HEADER) {
                    valueIndex.computeIfAbsent(c.header, h -> new HashMap<>()).putIfAbsent(c.value, 0L);
                }
            }
        }
        for (int r = 0; r < covered; r++) {
            long bit = 1L << r;
            Set<String> accepted = null;
            for (Condition c : compiled.get(r)) {
                if (c.kind == Kind.ONE_OF) {
                    accepted = c.methods;
                }
            }
            if (accepted == null) {
                noMethod |= bit;
                methodIndex.replaceAll((m, routes) -> routes | bit);
            } else {
                for (String m : accepted) {
                    methodIndex.merge(m, bit, (a, b) -> a | b);
                }
            }
        }
        this.indexedMethods = methodIndex.keySet().toArray(new String[0]);
        this.byMethod = new long[indexedMethods.length];
        for (int i = 0; i < indexedMethods.length; i++) {
            byMethod[i] = methodIndex.get(indexedMethods[i]);
        }
        this.anyMethod = noMethod;
        this.exactSlots = valueIndex.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.byExactValue = new ArrayList<>();
        this.noExactValue = new long[exactSlots.length];
        for (int i = 0; i < exactSlots.length; i++) {
            int header = exactSlots[i];
            Map<String, Long> fits = new HashMap<>();
            long none = 0;
            for (String v : valueIndex.get(header).keySet()) {
                fits.put(v, 0L);
            }
            for (int r = 0; r < covered; r++) {
                Set<String> wanted = new TreeSet<>();
                for (Condition c : compiled.get(r)) {
                    if (c.kind == Kind.EXACT && c.source == Source.HEADER && c.header == header) {
                        wanted.add(c.value);
                    }
                }
                long bit = 1L << r;
                if (wanted.isEmpty()) {
                    none |= bit;
                    fits.replaceAll((v, routes) -> routes | bit);
                } else if (wanted.size() == 1) {
                    fits.merge(wanted.iterator().next(), bit, (a, b) -> a | b);
                } // two different exact values on one header: no request fits
            }
            byExactValue.add(Map.copyOf(fits));
            noExactValue[i] = none;
        }
    }

    /**
     * @param rawPath  the path as sent, or null for {@code /}
     * @param rawQuery the query as sent, without {@code ?}, or null
     * @return the index of the first route the request satisfies, or {@link #NONE}
     */
    public int select(String method, String rawPath, String rawQuery, RequestHeaders requestHeaders) {
        Lookup request = new Lookup(method, rawPath == null || rawPath.isEmpty() ? "/" : rawPath, rawQuery,
                requestHeaders);
        long candidates = indexed;
        if (indexedMethods.length > 0) {
            long fits = anyMethod;
            for (int i = 0; i < indexedMethods.length; i++) {
                if (indexedMethods[i].equals(method)) {
                    fits = byMethod[i];
                    break;
                }
            }
            candidates &= fits;
        }
        for (int i = 0; i < exactSlots.length && candidates != 0; i++) {
            String v = request.header(exactSlots[i]);
            Long fits = v == null ? null : byExactValue.get(i).get(v);
            candidates &= fits == null ? noExactValue[i] : fits;
        }
        while (candidates != 0) {
            int r = Long.numberOfTrailingZeros(candidates);
            if (holds(r, request)) {
                return r;
            }
            candidates &= candidates - 1;
        }
        for (int r = INDEXED; r < routes.length; r++) {
            if (holds(r, request)) {
                return r;
            }
        }
        return NONE;
    }

    /** Whether every condition of route {@code r} holds. */
    private boolean holds(int r, Lookup request) {
        for (int id : routes[r]) {
            long bit = id < MEMO ? 1L << id : 0;
            if ((request.judged & bit) != 0) {
                if ((request.held & bit) == 0) {
                    return false;
                }
                continue;
            }
            boolean holds = test(id, subject(id, request));
            request.judged |= bit;
            if (!holds) {
                return false;
            }
            request.held |= bit;
        }
        return true;
    }

    private String subject(int id, Lookup request) {
        return switch (source[id]) {
            case METHOD -> request.method;
            case PATH -> request.path;
            case HEADER -> request.header(slot[id]);
            default -> queryParameter(request.rawQuery, name[id]);
        };
    }

    private boolean test(int id, String subject) {
        return switch (kind[id]) {
            case ONE_OF -> subject != null && methods[id].contains(subject);
            case EXACT -> value[id].equals(subject);
            case PREFIX -> subject != null && subject.startsWith(value[id]);
            case PRESENT -> subject != null;
            case ABSENT -> subject == null;
            default -> subject != null && pattern[id].matcher(subject).matches();
        };
    }

    /** One request as the selector reads it: each header fetched once, each condition judged once. */
    private final class Lookup {
        final String method;
        final String path;
        final String rawQuery;
        final RequestHeaders headers;
        final String[] values;
        long fetched;
        long judged;
        long held;

        Lookup(String method, String path, String rawQuery, RequestHeaders headers) {
            this.method = method;
            this.path = path;
            this.rawQuery = rawQuery;
            this.headers = headers;
            this.values = headerNames.length == 0 ? null : new String[Math.min(headerNames.length, MEMO)];
        }

        /** The value of the header in {@code slot}. */
        String header(int slot) {
            if (slot >= MEMO) {
                return headers.header(headerNames[slot]);
            }
            long bit = 1L << slot;
            if ((fetched & bit) == 0) {
                values[slot] = headers.header(headerNames[slot]);
                fetched |= bit;
            }
            return values[slot];
        }
    }

    /** The first value of {@code name} in a raw query, {@code ""} for a bare name, or null; allocates only the value. */
    public static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        int at = 0;
        int length = rawQuery.length();
        while (at <= length) {
            int end = rawQuery.indexOf('&', at);
            if (end < 0) {
                end = length;
            }
            int nameEnd = at + name.length();
            if (nameEnd <= end && rawQuery.startsWith(name, at) && (nameEnd == end || rawQuery.charAt(nameEnd) == '=')) {
                return nameEnd == end ? "" : rawQuery.substring(nameEnd + 1, end);
            }
            at = end + 1;
        }
        return null;
    }

    private static List<Condition> conditionsOf(RouteMatch match, Map<String, Integer> headers) {
        List<Condition> route = new ArrayList<>();
        if (!match.methods().isEmpty()) {
            route.add(new Condition(Source.METHOD, null, Kind.ONE_OF, String.join(",", new TreeSet<>(match.methods())),
                    -1, match.methods()));
        }
        if (match.path() != null) {
            Kind kind = switch (match.path().kind()) {
                case EXACT -> Kind.EXACT;
                case PREFIX -> Kind.PREFIX;
                case REGEX -> Kind.REGEX;
            };
            route.add(new Condition(Source.PATH, null, kind, match.path().value(), -1, null));
        }
        for (RouteMatch.Value h : match.headers()) {
            int slot = headers.computeIfAbsent(h.name(), k -> headers.size());
            route.add(new Condition(Source.HEADER, h.name(), kind(h.kind()), h.value(), slot, null));
        }
        for (RouteMatch.Value q : match.query()) {
            route.add(new Condition(Source.QUERY, q.name(), kind(q.kind()), q.value(), -1, null));
        }
        return route;
    }

    private static Kind kind(RouteMatch.ValueKind kind) {
        return switch (kind) {
            case EXACT -> Kind.EXACT;
            case REGEX -> Kind.REGEX;
            case PRESENT -> Kind.PRESENT;
            case ABSENT -> Kind.ABSENT;
        };
    }

    private enum Source { METHOD, PATH, HEADER, QUERY }

    /** In the order of what judging costs. */
    private enum Kind { ONE_OF, EXACT, PREFIX, PRESENT, ABSENT, REGEX }

    // The enums' ordinals, for the flat arrays.
    private static final int METHOD = 0;
    private static final int PATH = 1;
    private static final int HEADER = 2;
    private static final int ONE_OF = 0;
    private static final int EXACT = 1;
    private static final int PREFIX = 2;
    private static final int PRESENT = 3;
    private static final int ABSENT = 4;

    /**
     * One test of one part of a request, while compiling. Equal conditions are one condition:
     * identity is the source, name, kind and value (a regex by its text).
     */
    private record Condition(Source source, String name, Kind kind, String value, int header, Set<String> methods) {

        int cost() {
            return kind.ordinal() * 4 + source.ordinal();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Condition c && c.source == source && Objects.equals(c.name, name) && c.kind == kind
                    && Objects.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, name, kind, value);
        }
    }
}

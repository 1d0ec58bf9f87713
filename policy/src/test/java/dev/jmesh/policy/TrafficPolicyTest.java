package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficPolicyTest {

    static final String ORDERS = lines(
            "zone: a",
            "services:",
            "  orders:",
            "    endpoints:",
            "      - { address: 10.0.1.5:8080, labels: { version: v1 }, zone: a }",
            "      - { address: 10.0.1.6:8080, labels: { version: v2 }, zone: b }",
            "    subsets:",
            "      stable: { version: v1 }",
            "      canary: { version: v2 }",
            "    rateLimit: { requestsPerSecond: 50 }",
            "    routes:",
            "      - name: testers",
            "        match: { headers: { X-Canary: { exact: \"true\" } } }",
            "        to: canary",
            "      - name: api",
            "        match: { path: { prefix: /api/ }, methods: [ GET, HEAD ], query: { debug: { present: true } } }",
            "        split: { stable: 90, canary: 10 }",
            "        timeout: 500ms",
            "        retries: { attempts: 2 }",
            "        hashKey: header:x-user",
            "        fault: { delay: { percent: 5, duration: 200ms }, abort: { percent: 1.5, status: 503 } }",
            "        mirror: { to: canary, percent: 10 }",
            "        mirrorNonIdempotent: true",
            "        rateLimit: { requestsPerSecond: 100, burst: 20 }",
            "      - name: regex",
            "        match: { path: { regex: \"/items/[0-9]+\" }, headers: { x-trace: { absent: true } } }",
            "        to: stable");

    @Test
    void subsetsAndRoutesAreReadInFileOrder() {
        MeshConfig config = valid(ORDERS);
        assertEquals("a", config.zone());
        ServiceConfig orders = config.services().get("orders");
        assertEquals(Map.of("version", "v2"), orders.endpoints().get(1).labels());
        TrafficPolicy traffic = orders.traffic();
        assertEquals(List.of("stable", "canary"), List.copyOf(traffic.subsets().keySet()));
        assertEquals(new RateLimitPolicy(50, 50), traffic.rateLimit()); // burst defaults to a second's worth

        RouteConfig testers = traffic.routes().get(0);
        assertEquals(Map.of("canary", 100), testers.split());
        assertEquals(List.of(new RouteMatch.Value("x-canary", RouteMatch.ValueKind.EXACT, "true")),
                testers.match().headers()); // header names lower-cased

        RouteConfig api = traffic.routes().get(1);
        assertEquals(new RouteMatch(new RouteMatch.Path(RouteMatch.PathKind.PREFIX, "/api/"), Set.of("GET", "HEAD"),
                List.of(), List.of(new RouteMatch.Value("debug", RouteMatch.ValueKind.PRESENT, null))), api.match());
        assertEquals(List.of("stable", "canary"), List.copyOf(api.split().keySet()));
        assertEquals(Duration.ofMillis(500), api.timeout());
        assertEquals(2, api.retries().attempts());
        assertEquals(new HashKey(HashKey.Source.HEADER, "x-user"), api.hashKey());
        assertEquals(new FaultPolicy(5, Duration.ofMillis(200), 1.5, 503), api.fault());
        assertEquals(new RateLimitPolicy(100, 20), api.rateLimit());
        assertEquals(new MirrorPolicy("canary", 10, true), api.mirror());
        assertNull(testers.mirror());
        assertEquals(RouteMatch.PathKind.REGEX, traffic.routes().get(2).match().path().kind());
    }

    @Test
    void theRenderedPolicyParsesBackToTheSamePolicy() throws ConfigException {
        MeshConfig original = valid(ORDERS);
        String rendered = PolicyYaml.render(original);
        assertEquals(original, ConfigParser.parse(rendered, "rendered.yaml").orThrow(), rendered);
        assertTrue(rendered.contains("split: { stable: 90, canary: 10 }"), rendered);
    }

    @Test
    void aRouteNamingAnUnknownSubsetIsAnErrorWhereItIsNamed() {
        singleError(service("    subsets: { stable: { version: v1 } }",
                "    routes:",
                "      - { name: r, split: { stable: 50, canry: 50 } }"), 6, 41, "unknown subset 'canry' (expected one of: stable)");
        singleError(service("    routes:",
                "      - { name: r, to: stable }"), 5, 24, "unknown subset 'stable' (the service defines no subsets)");
    }

    @Test
    void aSplitMustSumToOneHundred() {
        singleError(service("    subsets: { a: { version: v1 }, b: { version: v2 } }",
                "    routes:",
                "      - name: r",
                "        split: { a: 60, b: 30 }"), 7, 16, "split sums to 90%, not 100%: a 60, b 30");
    }

    @Test
    void percentsOutsideZeroToOneHundredAreErrors() {
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - name: r",
                "        to: a",
                "        fault: { abort: { percent: 120, status: 503 } }"), 8, 36, "percent 120 out of range (expected 0..100)");
        singleError(service("    subsets: { a: { version: v1 }, b: { version: v2 } }",
                "    routes:",
                "      - { name: r, split: { a: 101, b: 0 } }"), 6, 32, "percent 101 out of range");
    }

    @Test
    void aBadRegexIsAnErrorAtItsValue() {
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - name: r",
                "        match: { path: { regex: \"/items/[0-9+\" } }",
                "        to: a"), 7, 33, "bad regex '/items/[0-9+': Unclosed character class");
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - name: r",
                "        match: { headers: { x-user: { regex: \"(a\" } } }",
                "        to: a"), 7, 46, "bad regex '(a'");
    }

    @Test
    void aRouteTakesExactlyOneDestination() {
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - { name: r }"), 6, 9, "route 'r' needs 'to' (one subset) or 'split' (percent per subset)");
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - { name: r, to: a, split: { a: 100 } }"), 6, 27, "a route takes 'to' or 'split', not both");
    }

    @Test
    void matchesAreCheckedPartByPart() {
        singleError(route("match: { methods: [ get ] }"), 8, 29, "unknown method 'get' (expected upper case");
        singleError(route("match: { path: { prefix: api } }"), 8, 34, "a path starts with '/'");
        singleError(route("match: { headers: { x: { exact: a, regex: b } } }"), 8, 32, "header 'x' takes exactly one of");
        singleError(route("match: { query: { x: { present: false } } }"), 8, 41, "present: false is not a match; use absent: true");
        singleError(route("match: { cookie: x }"), 8, 18, "unknown key 'cookie'");
    }

    @Test
    void aMirrorGoesToAKnownSubsetAndCopiesEveryRequestUnlessToldOtherwise() {
        MeshConfig config = valid(route("mirror: { to: a }"));
        assertEquals(new MirrorPolicy("a", 100, false), config.services().get("orders").traffic().routes().get(0).mirror());
        singleError(route("mirror: { to: shadow, percent: 5 }"), 8, 23, "unknown subset 'shadow'");
        singleError(route("mirrorNonIdempotent: true"), 8, 9, "mirrorNonIdempotent goes with mirror");
    }

    @Test
    void duplicateRouteNamesAreErrors() {
        singleError(service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - { name: r, to: a }",
                "      - { name: r, to: a }"), 7, 17, "duplicate route name 'r' (first at line 6)");
    }

    @Test
    void aSubsetThatSelectsNoEndpointIsAWarning() {
        ParseResult result = parse(service("    subsets: { a: { version: v9 } }"));
        assertTrue(result.ok(), () -> "errors: " + result.errors());
        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).message().contains("subset 'a' selects no endpoint"));
    }

    @Test
    void aTcpServiceTakesSubsetsAndSplitsOnly() {
        MeshConfig config = valid(lines("services:",
                "  db:",
                "    protocol: tcp",
                "    endpoints: [ { address: 10.0.0.1:5432, labels: { role: a } }, { address: 10.0.0.2:5432, labels: { role: b } } ]",
                "    subsets: { a: { role: a }, b: { role: b } }",
                "    routes:",
                "      - { name: all, split: { a: 80, b: 20 } }"));
        assertEquals(Map.of("a", 80, "b", 20), config.services().get("db").traffic().routes().get(0).split());
        ParseResult result = parse(lines("services:",
                "  db:",
                "    protocol: tcp",
                "    endpoints: [ { address: 10.0.0.1:5432, labels: { role: a } } ]",
                "    subsets: { a: { role: a } }",
                "    rateLimit: { requestsPerSecond: 5 }",
                "    routes:",
                "      - { name: all, to: a, match: { path: { prefix: / } }, timeout: 1s }"));
        assertNull(result.config());
        TestPolicies.assertPositions(result.errors(), "6:5", "8:29", "8:61");
    }

    @Test
    void theModelRefusesWhatTheParserRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new RouteConfig("r", RouteMatch.ANY, Map.of("a", 90), null,
                null, null, null, null, null));
        RouteConfig toB = new RouteConfig("r", RouteMatch.ANY, Map.of("b", 100), null, null, null, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> new TrafficPolicy(Map.of("a", Map.of("v", "1")),
                List.of(toB), null));
        assertThrows(IllegalArgumentException.class, () -> new FaultPolicy(101, Duration.ofSeconds(1), 0, 0));
    }

    private static String service(String... trafficLines) {
        StringBuilder yaml = new StringBuilder(lines("services:",
                "  orders:",
                "    endpoints: [ { address: 10.0.1.5:8080, labels: { version: v1 } },"
                        + " { address: 10.0.1.6:8080, labels: { version: v2 } } ]"));
        for (String line : trafficLines) {
            yaml.append(line).append('\n');
        }
        return yaml.toString();
    }

    /** A service with subset {@code a} and one route {@code r} to it, with {@code extra} on line 8. */
    private static String route(String extra) {
        return service("    subsets: { a: { version: v1 } }",
                "    routes:",
                "      - name: r",
                "        to: a",
                "        " + extra);
    }
}

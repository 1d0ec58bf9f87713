package dev.jmesh.agent.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jmesh.bootstrap.RequestHeaders;
import dev.jmesh.policy.RouteMatch;
import dev.jmesh.policy.RouteMatch.PathKind;
import dev.jmesh.policy.RouteMatch.Value;
import dev.jmesh.policy.RouteMatch.ValueKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteSelectorTest {

    private static final RequestHeaders NONE = name -> null;

    @Test
    void pathsMatchExactlyByPrefixOrByRegex() {
        assertEquals(0, path(PathKind.EXACT, "/api").select("GET", "/api", null, NONE));
        assertEquals(RouteSelector.NONE, path(PathKind.EXACT, "/api").select("GET", "/api/", null, NONE));
        assertEquals(0, path(PathKind.PREFIX, "/api/").select("GET", "/api/items", null, NONE));
        assertEquals(RouteSelector.NONE, path(PathKind.PREFIX, "/api/").select("GET", "/apix", null, NONE));
        assertEquals(0, path(PathKind.REGEX, "/items/[0-9]+").select("GET", "/items/42", null, NONE));
        assertEquals(RouteSelector.NONE, path(PathKind.REGEX, "/items/[0-9]+").select("GET", "/items/42/x", null, NONE),
                "the regex matches the whole path");
        assertEquals(0, path(PathKind.EXACT, "/").select("GET", null, null, NONE), "no path is /");
    }

    @Test
    void methodsHeadersAndQueryMustAllHold() {
        RouteSelector selector = new RouteSelector(List.of(new RouteMatch(null, Set.of("GET", "HEAD"),
                List.of(new Value("x-canary", ValueKind.EXACT, "true"), new Value("x-debug", ValueKind.ABSENT, null)),
                List.of(new Value("v", ValueKind.REGEX, "2|3"), new Value("trace", ValueKind.PRESENT, null)))));
        RequestHeaders canary = headers(Map.of("x-canary", "true"));
        assertEquals(0, selector.select("GET", "/", "v=2&trace", canary));
        assertEquals(RouteSelector.NONE, selector.select("POST", "/", "v=2&trace", canary));
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", "v=2&trace", NONE));
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", "v=2&trace",
                headers(Map.of("x-canary", "true", "x-debug", "1"))));
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", "v=4&trace", canary));
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", "v=2", canary));
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", null, canary));
    }

    @Test
    void theFirstRouteThatHoldsWinsAndEachHeaderIsReadOnce() {
        List<RouteMatch> routes = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            routes.add(new RouteMatch(new RouteMatch.Path(PathKind.PREFIX, "/api/"), Set.of("GET"),
                    List.of(new Value("x-version", ValueKind.REGEX, "v2\\..*"), new Value("x-tenant", ValueKind.EXACT, "t" + r)),
                    List.of()));
        }
        routes.add(RouteMatch.ANY);
        RouteSelector selector = new RouteSelector(routes);
        Map<String, Integer> reads = new HashMap<>();
        RequestHeaders counted = name -> {
            reads.merge(name, 1, Integer::sum);
            return Map.of("x-version", "v2.1", "x-tenant", "t7").get(name);
        };
        assertEquals(7, selector.select("GET", "/api/x", null, counted));
        assertEquals(Map.of("x-version", 1, "x-tenant", 1), reads);
        assertEquals(10, selector.select("GET", "/other", null, NONE), "the catch-all");
    }

    @Test
    void moreConditionsThanTheMemoHoldsAreStillJudgedRight() {
        List<RouteMatch> routes = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            routes.add(new RouteMatch(null, Set.of(), List.of(new Value("h" + r, ValueKind.PRESENT, null)), List.of()));
        }
        RouteSelector selector = new RouteSelector(routes);
        for (int r : new int[] {0, 63, 64, 99}) {
            String name = "h" + r;
            assertEquals(r, selector.select("GET", "/", null, n -> n.equals(name) ? "1" : null));
        }
        assertEquals(RouteSelector.NONE, selector.select("GET", "/", null, NONE));
    }

    @Test
    void queryParametersAreFoundByWholeName() {
        assertEquals("1", RouteSelector.queryParameter("ab=2&a=1", "a"));
        assertEquals("", RouteSelector.queryParameter("x&a", "a"));
        assertEquals("", RouteSelector.queryParameter("a=", "a"));
        assertNull(RouteSelector.queryParameter("ab=2&ba=1", "a"));
        assertNull(RouteSelector.queryParameter("", "a"));
        assertEquals("3", RouteSelector.queryParameter("a=3&a=4", "a"), "the first value");
    }

    private static RouteSelector path(PathKind kind, String value) {
        return new RouteSelector(List.of(new RouteMatch(new RouteMatch.Path(kind, value), Set.of(), List.of(), List.of())));
    }

    private static RequestHeaders headers(Map<String, String> headers) {
        return headers::get;
    }
}

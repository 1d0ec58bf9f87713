package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidPolicyTest {

    private static final String FULL = lines(
            "# the full schema",
            "workload: frontend",
            "admin:",
            "  port: 15000",
            "  bind: \"::1\"",
            "services:",
            "  orders:",
            "    endpoints:",
            "      - 10.0.1.5:8080",
            "      - { address: 10.0.1.6:8080, weight: 2, zone: b }",
            "      - \"[::1]:8080\"",
            "      - backend-1.internal:8080",
            "      - address: \"[2001:DB8::10]:443\"",
            "        weight: 10000",
            "        zone: eu-west-1",
            "    balancer: weighted-round-robin",
            "  payments.v2:",
            "    endpoints: [payments:443]",
            "    balancer: random",
            "  users:",
            "    endpoints: [\"[::ffff:10.0.0.1]:80\"]",
            "    balancer: round-robin");

    @Test
    void fullFile() {
        ParseResult result = parse(FULL);
        assertTrue(result.ok(), () -> result.errors().toString());
        assertEquals(List.of(), result.warnings());
        MeshConfig config = result.config();

        assertEquals("frontend", config.workload());
        assertEquals(new AdminConfig("::1", 15000), config.admin());
        assertEquals(List.of("orders", "payments.v2", "users"), List.copyOf(config.services().keySet()));

        ServiceConfig orders = config.services().get("orders");
        assertEquals("orders", orders.name());
        assertEquals(BalancerKind.WEIGHTED_ROUND_ROBIN, orders.balancer());
        assertEquals(List.of(
                new EndpointConfig("10.0.1.5", 8080, 1, null),
                new EndpointConfig("10.0.1.6", 8080, 2, "b"),
                new EndpointConfig("::1", 8080, 1, null),
                new EndpointConfig("backend-1.internal", 8080, 1, null),
                new EndpointConfig("2001:DB8::10", 443, 10000, "eu-west-1")), orders.endpoints());
        assertEquals(List.of("10.0.1.5:8080", "10.0.1.6:8080", "[::1]:8080", "backend-1.internal:8080",
                "[2001:DB8::10]:443"), orders.endpoints().stream().map(EndpointConfig::address).toList());

        ServiceConfig payments = config.services().get("payments.v2");
        assertEquals(BalancerKind.RANDOM, payments.balancer());
        assertEquals(List.of(new EndpointConfig("payments", 443, 1, null)), payments.endpoints());

        ServiceConfig users = config.services().get("users");
        assertEquals(BalancerKind.ROUND_ROBIN, users.balancer());
        assertEquals("::ffff:10.0.0.1", users.endpoints().get(0).host());
    }

    @Test
    void defaults() {
        MeshConfig config = valid(lines(
                "admin:",
                "  port: 0",
                "services:",
                "  orders:",
                "    endpoints:",
                "      - address: orders:80"));
        assertNull(config.workload());
        assertEquals(new AdminConfig("127.0.0.1", 0), config.admin());
        ServiceConfig orders = config.services().get("orders");
        assertEquals(BalancerKind.ROUND_ROBIN, orders.balancer());
        assertEquals(new EndpointConfig("orders", 80, 1, null), orders.endpoints().get(0));
    }

    @Test
    void minimalFileHasNoAdminAndNoServices() {
        MeshConfig config = valid("workload: web\n");
        assertEquals(new MeshConfig("web", null, java.util.Map.of()), config);
        assertNull(config.admin());
        assertTrue(config.services().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"services: {}\n", "services:\n", "services: ~\n"})
    void emptyOrNullServicesAreFine(String yaml) {
        assertEquals(MeshConfig.EMPTY, valid(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "localhost", "\"::\"", "\"::1\"", "fe80::1:2", "255.255.255.255"})
    void bindAddresses(String bind) {
        MeshConfig config = valid(lines("admin:", "  bind: " + bind, "  port: 65535"));
        assertEquals(bind.replace("\"", ""), config.admin().bind());
        assertEquals(65535, config.admin().port());
    }

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void everyBalancer(BalancerKind kind) {
        MeshConfig config = valid(lines(
                "services:",
                "  s:",
                "    balancer: " + kind.configName(),
                kind.hashes() ? "    hashKey: path" : "",
                "    endpoints: [s:1]"));
        assertEquals(kind, config.services().get("s").balancer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "web", "web-1", "orders.prod.svc", "a.b-c.d9", "9lives"})
    void validNames(String name) {
        MeshConfig config = valid(lines("workload: " + name, "services:", "  " + name + ":",
                "    endpoints: [h:1]"));
        assertEquals(name, config.workload());
        assertTrue(config.services().containsKey(name));
    }

    @Test
    void longestNameIsAccepted() {
        String name = "a".repeat(253);
        assertEquals(name, valid("workload: " + name + "\n").workload());
    }

    @Test
    void endpointAddressForms() {
        String host63 = "x".repeat(63);
        MeshConfig config = valid(lines(
                "services:",
                "  s:",
                "    endpoints:",
                "      - 0.0.0.0:1",
                "      - 255.255.255.255:65535",
                "      - \"[::]:80\"",
                "      - \"[1:2:3:4:5:6:7:8]:80\"",
                "      - \"[1::8]:80\"",
                "      - \"[::ffff:1.2.3.4]:80\"",
                "      - localhost:80",
                "      - Example.COM:80",
                "      - 10.0.1.5a:80",
                "      - " + host63 + ".example:80"));
        assertEquals(List.of("0.0.0.0", "255.255.255.255", "::", "1:2:3:4:5:6:7:8", "1::8", "::ffff:1.2.3.4",
                        "localhost", "Example.COM", "10.0.1.5a", host63 + ".example"),
                config.services().get("s").endpoints().stream().map(EndpointConfig::host).toList());
    }

    @Test
    void numbersMayBeExplicitlyTaggedInts() {
        assertEquals(15000, valid(lines("admin:", "  port: !!int \"15000\"")).admin().port());
    }

    @Test
    void aliasesAreResolved() {
        MeshConfig config = valid(lines(
                "services:",
                "  a:",
                "    endpoints: &shared [h1:1, h2:2]",
                "  b:",
                "    endpoints: *shared"));
        assertEquals(config.services().get("a").endpoints(), config.services().get("b").endpoints());
    }

    @Test
    void sourceNameDefaultsToString() {
        ParseResult result = ConfigParser.parse("bogus: 1\n", null);
        assertEquals("<string>", result.errors().get(0).source());
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreFine() {
        MeshConfig config = valid("\uFEFFworkload: web\r\nadmin:\r\n  port: 1\r\n");
        assertEquals("web", config.workload());
        assertEquals(1, config.admin().port());
    }

    // ---- service policies -------------------------------------------------------------------

    private static final String EVERY_SERVICE_KEY = lines(
            "services:",
            "  orders:",
            "    endpoints: [10.0.1.5:8080, 10.0.1.6:8080]",
            "    balancer: ring-hash",
            "    hashKey: header:X-User-Id",
            "    slowStart: 30s",
            "    timeout: 2.5s",
            "    retries:",
            "      attempts: 3",
            "      perTryTimeout: 500ms",
            "      retryOn: [connect-failure, reset, refused-stream, 5xx, gateway-error, 503, 429]",
            "      backoff: { base: 10ms, max: 1s }",
            "      budget: { ratio: 0.5, minPerSecond: 20 }",
            "      retryNonIdempotent: true",
            "    circuitBreaker: { maxConcurrentRequests: 100, maxPendingRequests: 0 }",
            "    outlierDetection:",
            "      consecutiveErrors: 3",
            "      interval: 1.5s",
            "      baseEjectionTime: 1m",
            "      maxEjectionPercent: 100",
            "    healthCheck: { path: \"/healthz?full=1\", interval: 5s, timeout: 1s }",
            "  users:",
            "    endpoints: [users:80]",
            "    balancer: maglev",
            "    hashKey: query:tenant",
            "  images:",
            "    balancer: ring-hash",
            "    hashKey: path",
            "    endpoints: [images:80]",
            "  carts:",
            "    endpoints: [carts:80]",
            "    balancer: least-request",
            "  search:",
            "    endpoints: [search:80]",
            "    balancer: p2c-ewma");

    @Test
    void everyServiceKey() {
        ParseResult result = parse(EVERY_SERVICE_KEY);
        assertTrue(result.ok(), () -> result.errors().toString());
        assertEquals(List.of(), result.warnings());
        MeshConfig config = result.config();

        ServiceConfig orders = config.services().get("orders");
        assertEquals(new ServiceConfig("orders",
                List.of(new EndpointConfig("10.0.1.5", 8080, 1, null), new EndpointConfig("10.0.1.6", 8080, 1, null)),
                BalancerKind.RING_HASH,
                new HashKey(HashKey.Source.HEADER, "x-user-id"),
                Duration.ofSeconds(30),
                Duration.ofMillis(2500),
                new RetryPolicy(3, Duration.ofMillis(500),
                        new RetryOn(EnumSet.allOf(RetryOn.Condition.class), Set.of(503, 429)),
                        new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)),
                        new RetryBudget(0.5, 20),
                        true),
                new CircuitBreakerPolicy(100, 0),
                new OutlierDetectionPolicy(3, Duration.ofMillis(1500), Duration.ofMinutes(1), 100),
                new HealthCheckPolicy("/healthz?full=1", Duration.ofSeconds(5), Duration.ofSeconds(1)),
                Protocol.HTTP, null, TrafficPolicy.NONE), orders);

        ServiceConfig users = config.services().get("users");
        assertEquals(BalancerKind.MAGLEV, users.balancer());
        assertEquals(new HashKey(HashKey.Source.QUERY, "tenant"), users.hashKey());
        assertEquals(new HashKey(HashKey.Source.PATH, null), config.services().get("images").hashKey());
        assertEquals(BalancerKind.LEAST_REQUEST, config.services().get("carts").balancer());
        assertEquals(BalancerKind.P2C_EWMA, config.services().get("search").balancer());
    }

    @Test
    void absentServiceKeysGetDefaults() {
        ServiceConfig service = valid(lines("services:", "  s:", "    endpoints: [s:1]")).services().get("s");
        assertEquals(BalancerKind.ROUND_ROBIN, service.balancer());
        assertNull(service.hashKey());
        assertNull(service.slowStart());
        assertNull(service.timeout());
        assertEquals(RetryPolicy.DEFAULT, service.retries());
        assertEquals(CircuitBreakerPolicy.DEFAULT, service.circuitBreaker());
        assertEquals(OutlierDetectionPolicy.DEFAULT, service.outlierDetection(), "on by default");
        assertNull(service.healthCheck());
        assertEquals(new ServiceConfig("s", List.of(new EndpointConfig("s", 1, 1, null)), BalancerKind.ROUND_ROBIN),
                service);
    }

    @Test
    void emptyMappingsMeanAllDefaults() {
        ServiceConfig service = valid(lines(
                "services:",
                "  s:",
                "    endpoints: [s:1]",
                "    retries: { backoff: {}, budget: {} }",
                "    circuitBreaker: {}",
                "    outlierDetection: {}")).services().get("s");
        assertEquals(RetryPolicy.DEFAULT, service.retries());
        assertEquals(CircuitBreakerPolicy.DEFAULT, service.circuitBreaker());
        assertEquals(OutlierDetectionPolicy.DEFAULT, service.outlierDetection(), "{} keeps detection on");
    }

    @Test
    void outlierDetectionCanBeTurnedOff() {
        ServiceConfig off = valid(lines("services:", "  s:", "    endpoints: [s:1]", "    outlierDetection: off"))
                .services().get("s");
        assertNull(off.outlierDetection());
        ServiceConfig on = valid(lines("services:", "  s:", "    endpoints: [s:1]", "    outlierDetection: on"))
                .services().get("s");
        assertEquals(OutlierDetectionPolicy.DEFAULT, on.outlierDetection());
    }

    @Test
    void partialMappingsKeepTheOtherDefaults() {
        ServiceConfig service = valid(lines(
                "services:",
                "  s:",
                "    endpoints: [s:1]",
                "    retries:",
                "      attempts: 4",
                "      backoff: { max: 1s }",
                "      budget: { ratio: 1 }",
                "    circuitBreaker: { maxPendingRequests: 5 }",
                "    outlierDetection: { consecutiveErrors: 7 }",
                "    healthCheck: { path: / }")).services().get("s");
        RetryPolicy defaults = RetryPolicy.DEFAULT;
        assertEquals(new RetryPolicy(4, null, defaults.retryOn(),
                new Backoff(Duration.ofMillis(25), Duration.ofSeconds(1)),
                new RetryBudget(1.0, 10), false), service.retries());
        assertEquals(new CircuitBreakerPolicy(1024, 5), service.circuitBreaker());
        assertEquals(new OutlierDetectionPolicy(7, Duration.ofSeconds(10), Duration.ofSeconds(30), 50),
                service.outlierDetection());
        assertEquals(new HealthCheckPolicy("/", Duration.ofSeconds(10), Duration.ofSeconds(1)), service.healthCheck());
    }

    @Test
    void retryOnReplacesTheDefaultList() {
        RetryOn retryOn = valid(lines("services:", "  s:", "    endpoints: [s:1]", "    retries:",
                "      retryOn:", "        - 503", "        - reset")).services().get("s").retries().retryOn();
        assertEquals(new RetryOn(EnumSet.of(RetryOn.Condition.RESET), Set.of(503)), retryOn);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "base: 0ms, max: 0ms    | 0    | 0",
        "base: 0s               | 0    | 250",
        "base: 250ms            | 250  | 250",
        "max: 25ms              | 25   | 25",
        "base: 1s, max: 24h     | 1000 | 86400000",
    })
    void backoffBounds(String fields, long base, long max) {
        Backoff backoff = valid(lines("services:", "  s:", "    endpoints: [s:1]", "    retries:",
                "      backoff: { " + fields + " }")).services().get("s").retries().backoff();
        assertEquals(new Backoff(Duration.ofMillis(base), Duration.ofMillis(max)), backoff);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "ratio: 0, minPerSecond: 0            | 0    | 0",
        "ratio: 10, minPerSecond: 100000      | 10   | 100000",
        "ratio: 0.05                          | 0.05 | 10",
        "ratio: 10.0                          | 10   | 10",
    })
    void budgetBounds(String fields, double ratio, int minPerSecond) {
        RetryBudget budget = valid(lines("services:", "  s:", "    endpoints: [s:1]", "    retries:",
                "      budget: { " + fields + " }")).services().get("s").retries().budget();
        assertEquals(new RetryBudget(ratio, minPerSecond), budget);
    }

    @Test
    void integerLimitsAreInclusive() {
        ServiceConfig low = valid(lines("services:", "  s:", "    endpoints: [s:1]",
                "    retries: { attempts: 1 }",
                "    circuitBreaker: { maxConcurrentRequests: 1, maxPendingRequests: 0 }",
                "    outlierDetection: { consecutiveErrors: 1, maxEjectionPercent: 0 }")).services().get("s");
        assertEquals(1, low.retries().attempts());
        assertEquals(new CircuitBreakerPolicy(1, 0), low.circuitBreaker());
        assertEquals(0, low.outlierDetection().maxEjectionPercent());
        ServiceConfig high = valid(lines("services:", "  s:", "    endpoints: [s:1]",
                "    retries: { attempts: 10 }",
                "    circuitBreaker: { maxConcurrentRequests: 1000000, maxPendingRequests: 1000000 }",
                "    outlierDetection: { consecutiveErrors: 1000, maxEjectionPercent: 100 }")).services().get("s");
        assertEquals(10, high.retries().attempts());
        assertEquals(new CircuitBreakerPolicy(1_000_000, 1_000_000), high.circuitBreaker());
        assertEquals(1000, high.outlierDetection().consecutiveErrors());
    }

    @Test
    void durationsMayBeQuotedAndReachTwentyFourHours() {
        ServiceConfig service = valid(lines("services:", "  s:", "    endpoints: [s:1]",
                "    slowStart: \"1.5m\"", "    timeout: 24h")).services().get("s");
        assertEquals(Duration.ofSeconds(90), service.slowStart());
        assertEquals(Duration.ofHours(24), service.timeout());
    }
}

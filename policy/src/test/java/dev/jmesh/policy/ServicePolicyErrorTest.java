package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.assertProblem;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Errors in the per-service policy keys (hashKey, durations, retries, ...), with exact positions. */
class ServicePolicyErrorTest {

    /** A valid service on lines 1-3; the given lines follow from line 4. */
    static String service(String... lines) {
        return lines(Stream.concat(Stream.of(
                "services:",
                "  orders:",
                "    endpoints: [10.0.0.1:80]"), Stream.of(lines)).toArray(String[]::new));
    }

    @Nested
    class DurationValues {

        /** The timeout value sits at line 4, column 14. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "2          | bad duration '2': no unit (add a unit: 500ms, 2s)",
            "1.5        | bad duration '1.5': no unit (add a unit: 500ms, 2s)",
            "'500'      | bad duration '500': no unit",
            "2sec       | bad duration '2sec': unknown unit 'sec' (expected ms, s, m or h)",
            "2d         | unknown unit 'd'",
            "2 s        | bad duration '2 s': no spaces allowed",
            "-1s        | bad duration '-1s': must not be negative",
            "25h        | bad duration '25h': longer than 24h",
            "0.5ms      | bad duration '0.5ms': finer than a millisecond",
            "abc        | bad duration 'abc': expected a number and a unit",
            "1h30m      | expected one number and one unit",
            "0s         | timeout 0s must be greater than 0",
            "0ms        | timeout 0ms must be greater than 0",
            "[1s]       | expected a duration such as 500ms or 2s, got a sequence",
            "~          | expected a duration such as 500ms or 2s, got an empty value",
        })
        void badTimeout(String value, String message) {
            singleError(service("    timeout: " + value), 4, 14, message);
        }

        @Test
        void slowStartMustBePositive() {
            singleError(service("    slowStart: 0.0s"), 4, 16, "slowStart 0.0s must be greater than 0");
        }

        @Test
        void slowStartBareNumber() {
            singleError(service("    slowStart: 30"), 4, 16, "bad duration '30': no unit (add a unit: 500ms, 2s)");
        }
    }

    @Nested
    class HashKeyRules {

        @ParameterizedTest
        @ValueSource(strings = {"ring-hash", "maglev"})
        void missingForHashingBalancer(String balancer) {
            singleError(service("    balancer: " + balancer), 4, 15,
                    "balancer " + balancer + " needs a hashKey (header:NAME, path or query:NAME)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "least-request", "p2c-ewma"})
        void givenForOtherBalancer(String balancer) {
            singleError(service("    balancer: " + balancer, "    hashKey: header:x-user-id"), 5, 5,
                    "hashKey is only used by balancers ring-hash and maglev, not by " + balancer);
        }

        @Test
        void givenWithDefaultBalancer() {
            singleError(service("    hashKey: path"), 4, 5,
                    "hashKey is only used by balancers ring-hash and maglev, not by round-robin");
        }

        @Test
        void noCrossCheckWhenTheBalancerIsUnknown() {
            singleError(service("    balancer: ring-hsh", "    hashKey: path"), 4, 15, "unknown balancer 'ring-hsh'");
        }

        /** The hashKey value sits at line 5, column 14. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "cookie:session  | bad hashKey 'cookie:session': expected header:NAME, path or query:NAME",
            "user-id         | bad hashKey 'user-id': expected header:NAME, path or query:NAME",
            "header          | bad hashKey 'header': missing header name, write header:NAME",
            "'header:'       | bad hashKey 'header:': missing header name",
            "header:x user   | bad hashKey 'header:x user': 'x user' is not a valid header name",
            "'header:x/y'    | 'x/y' is not a valid header name",
            "path:x          | bad hashKey 'path:x': path takes no name, write just 'path'",
            "'query:'        | bad hashKey 'query:': missing parameter name, write query:NAME",
            "query:a=b       | parameter name 'a=b' must not contain",
            "[path]          | expected a string, got a sequence",
        })
        void badSyntax(String value, String message) {
            // A bad hashKey is still a hashKey: no second error about it missing.
            singleError(service("    balancer: ring-hash", "    hashKey: " + value), 5, 14, message);
        }
    }

    @Nested
    class Retries {

        @Test
        void notAMapping() {
            singleError(service("    retries: 3"), 4, 14, "expected a mapping, got '3'");
        }

        @Test
        void emptyValueIsAnError() {
            singleError(service("    retries:"), 4, 13, "expected a mapping, got an empty value");
        }

        @Test
        void unknownKey() {
            singleError(service("    retries:", "      atempts: 3"), 5, 7, "unknown key 'atempts' (expected one of:"
                    + " attempts, perTryTimeout, retryOn, backoff, budget, retryNonIdempotent)");
        }

        /** The attempts value sits at line 5, column 17. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "0      | attempts 0 out of range (expected 1..10)",
            "11     | attempts 11 out of range (expected 1..10)",
            "-1     | attempts -1 out of range (expected 1..10)",
            "'3'    | expected a number, got '3' (remove the quotes)",
            "three  | expected a number, got 'three'",
        })
        void badAttempts(String value, String message) {
            singleError(service("    retries:", "      attempts: " + value), 5, 17, message);
        }

        @Test
        void perTryTimeoutMustBePositive() {
            singleError(service("    retries:", "      perTryTimeout: 0ms"), 5, 22, "perTryTimeout 0ms must be greater than 0");
        }

        @Test
        void perTryTimeoutBareNumber() {
            singleError(service("    retries:", "      perTryTimeout: 500"), 5, 22, "add a unit: 500ms, 2s");
        }

        /** {@code retryOn: [reset, X]}: X sits at line 5, column 24. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "bogus     | unknown retryOn entry 'bogus' (expected a status code 100..599 or one of:"
                    + " connect-failure, reset, refused-stream, 5xx, gateway-error)",
            "5XX       | unknown retryOn entry '5XX'",
            "timeout   | unknown retryOn entry 'timeout'",
            "99        | retryOn status code 99 out of range (expected 100..599)",
            "600       | retryOn status code 600 out of range (expected 100..599)",
            "'503'     | expected a number, got '503' (remove the quotes)",
            "0x1F7     | expected a decimal number, got '0x1F7'",
            "{a: 1}    | expected a retry condition or status code, got a mapping",
            "~         | expected a retry condition or status code, got an empty value",
        })
        void badRetryOnEntry(String value, String message) {
            singleError(service("    retries:", "      retryOn: [reset, " + value + "]"), 5, 24, message);
        }

        @Test
        void emptyRetryOn() {
            singleError(service("    retries:", "      retryOn: []"), 5, 16,
                    "retryOn must not be empty (to turn retries off, set attempts: 1)");
        }

        @Test
        void retryOnNotASequence() {
            singleError(service("    retries:", "      retryOn: 5xx"), 5, 16, "expected a sequence, got '5xx'");
        }

        @Test
        void duplicateStatusCode() {
            singleError(service("    retries:", "      retryOn: [503, reset, 503]"), 5, 29,
                    "duplicate retryOn entry '503' (first listed at line 5)");
        }

        @Test
        void duplicateCondition() {
            singleError(service(
                    "    retries:",
                    "      retryOn:",
                    "        - reset",
                    "        - 5xx",
                    "        - reset"), 8, 11, "duplicate retryOn entry 'reset' (first listed at line 6)");
        }

        @Test
        void overlappingEntriesAreNotDuplicates() {
            // 5xx includes 503 and gateway-error, but each is still said only once.
            TestPolicies.valid(service("    retries:", "      retryOn: [5xx, gateway-error, 503]"));
        }

        @Test
        void backoffBaseAboveMaxIsReportedAtMax() {
            singleError(service("    retries:", "      backoff: { base: 1s, max: 500ms }"), 5, 33,
                    "backoff max 500ms is below base 1s (expected base <= max)");
        }

        @Test
        void backoffBaseAboveDefaultMaxIsReportedAtBase() {
            singleError(service("    retries:", "      backoff: { base: 1s }"), 5, 24,
                    "backoff max 250ms (the default) is below base 1s");
        }

        @Test
        void backoffMaxBelowDefaultBase() {
            singleError(service("    retries:", "      backoff: { max: 10ms }"), 5, 23,
                    "backoff max 10ms is below base 25ms (the default)");
        }

        @Test
        void backoffNegative() {
            singleError(service("    retries:", "      backoff: { base: -5ms }"), 5, 24, "must not be negative");
        }

        @Test
        void backoffUnknownKey() {
            singleError(service("    retries:", "      backoff: { min: 5ms }"), 5, 18,
                    "unknown key 'min' (expected one of: base, max)");
        }

        /** {@code budget: { ratio: X }}: X sits at line 5, column 24. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "11        | ratio 11 out of range (expected 0..10)",
            "10.5      | ratio 10.5 out of range (expected 0..10)",
            "-0.1      | ratio -0.1 out of range (expected 0..10)",
            "99999999999999999999 | ratio 99999999999999999999 out of range",
            "'0.2'     | expected a number, got '0.2' (remove the quotes)",
            "20%       | expected a number, got '20%'",
            "1e3       | expected a decimal number such as 0.5, got '1e3'",
            ".5        | expected a decimal number such as 0.5, got '.5'",
            "1.0e+1    | expected a decimal number such as 0.5, got '1.0e+1'",
            ".nan      | expected a decimal number such as 0.5, got '.nan'",
            "true      | expected a number, got 'true'",
        })
        void badRatio(String value, String message) {
            singleError(service("    retries:", "      budget: { ratio: " + value + " }"), 5, 24, message);
        }

        @Test
        void badMinPerSecond() {
            singleError(service("    retries:", "      budget: { minPerSecond: 100001 }"), 5, 31,
                    "minPerSecond 100001 out of range (expected 0..100000)");
        }

        /** The retryNonIdempotent value sits at line 5, column 27. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "yes     | expected true or false, got 'yes'",
            "off     | expected true or false, got 'off'",
            "True    | expected true or false, got 'True'",
            "1       | expected true or false, got '1'",
            "'true'  | expected true or false, got 'true' (remove the quotes)",
            "~       | expected true or false, got an empty value",
        })
        void nonBooleanRetryNonIdempotent(String value, String message) {
            singleError(service("    retries:", "      retryNonIdempotent: " + value), 5, 27, message);
        }
    }

    @Nested
    class Limits {

        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', value = {
            "maxConcurrentRequests: 0       | 46 | maxConcurrentRequests 0 out of range (expected 1..1000000)",
            "maxConcurrentRequests: 1000001 | 46 | maxConcurrentRequests 1000001 out of range (expected 1..1000000)",
            "maxPendingRequests: -1         | 43 | maxPendingRequests -1 out of range (expected 0..1000000)",
            "maxPendingRequests: 1000001    | 43 | maxPendingRequests 1000001 out of range (expected 0..1000000)",
            "maxRequests: 5                 | 23 | unknown key 'maxRequests' (expected one of:"
                    + " maxConcurrentRequests, maxPendingRequests)",
        })
        void badCircuitBreaker(String field, int column, String message) {
            singleError(service("    circuitBreaker: { " + field + " }"), 4, column, message);
        }

        @Test
        void outlierDetectionErrorsAreAllReported() {
            ParseResult result = parse(service(
                    "    outlierDetection:",
                    "      consecutiveErrors: 0",       // 5:26
                    "      interval: 0s",               // 6:17
                    "      baseEjectionTime: 30",       // 7:25
                    "      maxEjectionPercent: 101"));  // 8:27
            assertNull(result.config());
            assertPositions(result.errors(), "5:26", "6:17", "7:25", "8:27");
            assertProblem(result.errors().get(0), 5, 26, "consecutiveErrors 0 out of range (expected 1..1000)");
            assertProblem(result.errors().get(1), 6, 17, "outlierDetection interval 0s must be greater than 0");
            assertProblem(result.errors().get(2), 7, 25, "bad duration '30': no unit (add a unit: 500ms, 2s)");
            assertProblem(result.errors().get(3), 8, 27, "maxEjectionPercent 101 out of range (expected 0..100)");
        }

        @Test
        void outlierDetectionEmptyValueIsAnError() {
            // An empty value is more likely a mistake than a way to say "defaults".
            singleError(service("    outlierDetection:"), 4, 22, "expected a mapping, or off, got an empty value");
        }

        @Test
        void consecutiveErrorsUpperBound() {
            singleError(service("    outlierDetection: { consecutiveErrors: 1001 }"), 4, 44,
                    "consecutiveErrors 1001 out of range (expected 1..1000)");
        }
    }

    @Nested
    class HealthChecks {

        /** {@code healthCheck: { path: X }}: X sits at line 4, column 26. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "healthz      | healthCheck path 'healthz' must start with '/'",
            "''           | healthCheck path '' must start with '/'",
            "'/a b'       | healthCheck path '/a b' must not contain spaces or control characters",
            "\"/a\\tb\"   | must not contain spaces or control characters",
            "[/healthz]   | expected a string, got a sequence",
        })
        void badPath(String value, String message) {
            singleError(service("    healthCheck: { path: " + value + " }"), 4, 26, message);
        }

        @Test
        void pathIsRequired() {
            singleError(service("    healthCheck: { interval: 5s }"), 4, 5, "missing required key 'path' in healthCheck");
        }

        @Test
        void timeoutNotBelowInterval() {
            singleError(service("    healthCheck: { path: /h, interval: 2s, timeout: 2s }"), 4, 53,
                    "healthCheck timeout 2s is not below interval 2s (expected timeout < interval)");
        }

        @Test
        void timeoutAboveInterval() {
            singleError(service("    healthCheck: { path: /h, interval: 2s, timeout: 3s }"), 4, 53,
                    "healthCheck timeout 3s is not below interval 2s");
        }

        @Test
        void intervalNotAboveDefaultTimeoutIsReportedAtInterval() {
            singleError(service("    healthCheck: { path: /h, interval: 500ms }"), 4, 40,
                    "healthCheck timeout 1s (the default) is not below interval 500ms");
        }

        @Test
        void timeoutNotBelowDefaultInterval() {
            singleError(service("    healthCheck: { path: /h, timeout: 10s }"), 4, 39,
                    "healthCheck timeout 10s is not below interval 10s (the default)");
        }

        @Test
        void durationsMustBePositive() {
            ParseResult result = parse(service("    healthCheck: { path: /h, interval: 0s, timeout: 0ms }"));
            assertPositions(result.errors(), "4:40", "4:53");
            assertProblem(result.errors().get(0), 4, 40, "healthCheck interval 0s must be greater than 0");
            assertProblem(result.errors().get(1), 4, 53, "healthCheck timeout 0ms must be greater than 0");
        }
    }

    @Test
    void allErrorsAreCollectedInFileOrder() {
        ParseResult result = parse(lines(
                "services:",
                "  orders:",
                "    endpoints: [10.0.0.1:80]",
                "    balancer: maglev",                                  // 4:15 no hashKey
                "    timeout: 2",                                        // 5:14 bare number
                "    slowStart: 2 min",                                  // 6:16 spaces
                "    retries:",
                "      attempts: 20",                                    // 8:17 range
                "      retryOn: [reset, 418, teapot, reset]",            // 9:29 unknown, 9:37 duplicate
                "      backoff: { base: 1s, max: 100ms }",               // 10:33 base > max
                "      budget: { ratio: 0.2, minPerSecond: -1 }",        // 11:43 range
                "      retryNonIdempotent: no",                          // 12:27 not a boolean
                "    healthCheck: { path: healthz, timeout: 20s }",      // 13:26 no '/', 13:44 timeout
                "  users:",
                "    endpoints: [users:80]",
                "    hashKey: header:x-user-id",                         // 16:5 not a hashing balancer
                "    circuitBreaker: { maxConcurrentRequests: 0 }",      // 17:46 range
                "    outlierDetection: { maxEjectionPercent: 50.5 }"));  // 18:45 not an int
        assertNull(result.config());
        assertEquals(List.of(), result.warnings());
        assertPositions(result.errors(), "4:15", "5:14", "6:16", "8:17", "9:29", "9:37", "10:33", "11:43",
                "12:27", "13:26", "13:44", "16:5", "17:46", "18:45");
        List<ConfigProblem> errors = result.errors();
        assertProblem(errors.get(0), 4, 15, "balancer maglev needs a hashKey");
        assertProblem(errors.get(1), 5, 14, "add a unit: 500ms, 2s");
        assertProblem(errors.get(2), 6, 16, "no spaces allowed");
        assertProblem(errors.get(3), 8, 17, "attempts 20 out of range");
        assertProblem(errors.get(4), 9, 29, "unknown retryOn entry 'teapot'");
        assertProblem(errors.get(5), 9, 37, "duplicate retryOn entry 'reset'");
        assertProblem(errors.get(6), 10, 33, "backoff max 100ms is below base 1s");
        assertProblem(errors.get(7), 11, 43, "minPerSecond -1 out of range");
        assertProblem(errors.get(8), 12, 27, "expected true or false, got 'no'");
        assertProblem(errors.get(9), 13, 26, "healthCheck path 'healthz' must start with '/'");
        assertProblem(errors.get(10), 13, 44, "healthCheck timeout 20s is not below interval 10s (the default)");
        assertProblem(errors.get(11), 16, 5, "hashKey is only used by balancers ring-hash and maglev");
        assertProblem(errors.get(12), 17, 46, "maxConcurrentRequests 0 out of range");
        assertProblem(errors.get(13), 18, 45, "expected a number, got '50.5'");
    }
}

package dev.jmesh.policy;

import static dev.jmesh.policy.TestPolicies.assertPositions;
import static dev.jmesh.policy.TestPolicies.assertProblem;
import static dev.jmesh.policy.TestPolicies.lines;
import static dev.jmesh.policy.TestPolicies.parse;
import static dev.jmesh.policy.TestPolicies.singleError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error kind, with its exact line and column. */
class ErrorReportingTest {

    @Nested
    class UnknownKeys {

        @Test
        void topLevel() {
            ConfigProblem problem = singleError(lines("workload: web", "retries: 3"), 2, 1,
                    "unknown key 'retries' (expected one of: workload, admin, services, control, inbound, identity, drainTime, zone, namespace, app, version, cluster, accessLog)");
            assertEquals("mesh.yaml:2:1: unknown key 'retries' (expected one of: workload, admin, services, control, inbound, identity, drainTime, zone, namespace, app, version, cluster, accessLog)",
                    problem.toString());
        }

        @Test
        void inService() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints: [10.0.0.1:80]",
                    "    retires: 3"), 4, 5, "unknown key 'retires' (expected one of: endpoints, protocol, tls, balancer, hashKey,"
                    + " slowStart, timeout, retries, circuitBreaker, outlierDetection, healthCheck, subsets, routes, rateLimit)");
        }

        @Test
        void inEndpoint() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints:",
                    "      - { address: 10.0.0.1:80, wieght: 2 }"), 4, 33,
                    "unknown key 'wieght' (expected one of: address, weight, zone, labels)");
        }

        @Test
        void inAdmin() {
            singleError(lines("admin:", "  port: 1", "  host: x"), 3, 3,
                    "unknown key 'host' (expected one of: port, bind)");
        }

        @Test
        void mergeKeysAreNotSupported() {
            singleError(lines("admin:", "  port: 1", "  <<: {bind: x}"), 3, 3, "merge keys ('<<') are not supported");
        }

        @Test
        void nonStringKey() {
            singleError(lines("[a, b]: 1"), 1, 1, "expected a string key, got a sequence");
        }
    }

    @Nested
    class Addresses {

        /** Each address sits at line 3, column 17: {@code "    endpoints: [" + address + "]"}. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "10.0.1.5          | bad endpoint address '10.0.1.5': expected host:port",
            "10.0.1.5:         | bad endpoint address '10.0.1.5:': expected host:port",
            "10.0.1.5:0        | port 0 out of range (expected 1..65535)",
            "10.0.1.5:70000    | bad endpoint address '10.0.1.5:70000': port 70000 out of range",
            "10.0.1.5:99999999999 | port 99999999999 out of range",
            "10.0.1.5:http     | port 'http' is not a number",
            "10.0.1.5:-1       | port '-1' is not a number",
            "300.1.1.1:80      | invalid IPv4 address '300.1.1.1'",
            "1.2.3:80          | invalid IPv4 address '1.2.3'",
            "1.2.3.4.5:80      | invalid IPv4 address '1.2.3.4.5'",
            "1..3.4:80         | invalid IPv4 address '1..3.4'",
            "[::g]:80          | invalid IPv6 address '::g'",
            "[1::2::3]:80      | invalid IPv6 address '1::2::3'",
            "[1:2:3:4:5:6:7]:80 | invalid IPv6 address",
            "[1:2:3:4:5:6:7:8:9]:80 | invalid IPv6 address",
            "[12345::1]:80     | invalid IPv6 address",
            "[fe80::1%eth0]:80 | invalid IPv6 address 'fe80::1%eth0'",
            "[1.2.3.4]:80      | invalid IPv6 address '1.2.3.4'",
            "[::1.2.3.999]:80  | invalid IPv6 address",
            "[]:80             | invalid IPv6 address ''",
            "[::1:80           | missing ']' after IPv6 address",
            "[::1]             | bad endpoint address '[::1]': expected [ipv6]:port",
            "[::1]80           | expected [ipv6]:port",
            "::1:80            | IPv6 addresses must be in brackets, e.g. [::1]:8080",
            ":80               | bad endpoint address ':80': missing host",
            "-bad.example:80   | invalid host name '-bad.example'",
            "bad-.example:80   | invalid host name 'bad-.example'",
            "bad_host:80       | invalid host name 'bad_host'",
            "a..b:80           | invalid host name 'a..b'",
            "host.:80          | invalid host name 'host.'",
            "ünicode:80        | invalid host name",
            "``                | empty endpoint address",
            "`  `              | empty endpoint address",
        })
        void badAddress(String address, String message) {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints: [\"" + address + "\"]"), 3, 17, message);
        }

        @Test
        void hostNameTooLong() {
            String host = ("a".repeat(63) + ".").repeat(4).substring(0, 254); // 254 chars, valid labels
            singleError(lines("services:", "  s:", "    endpoints: [\"" + host + ":80\"]"), 3, 17,
                    "invalid host name");
        }

        @Test
        void labelTooLong() {
            singleError(lines("services:", "  s:", "    endpoints: [" + "a".repeat(64) + ".b:80]"), 3, 17,
                    "invalid host name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"example.com", "300.0.0.1", "\"[::1]\"", "1.2.3", "\"\""})
        void badBind(String bind) {
            singleError(lines("admin:", "  port: 1", "  bind: " + bind), 3, 9, "bad bind address");
        }
    }

    @Nested
    class Numbers {

        /** The weight value sits at line 4, column 41. */
        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "0       | weight 0 out of range (expected 1..10000)",
            "10001   | weight 10001 out of range (expected 1..10000)",
            "-5      | weight -5 out of range",
            "abc     | expected a number, got 'abc'",
            "1.5     | expected a number, got '1.5'",
            "true    | expected a number, got 'true'",
            "`\"2\"` | expected a number, got '2' (remove the quotes)",
            "0x10    | expected a decimal number, got '0x10'",
            "010     | expected a decimal number, got '010'",
            "[1]     | expected a number, got a sequence",
            "~       | expected a number, got an empty value",
        })
        void badWeight(String weight, String message) {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints:",
                    "      - { address: 10.0.0.1:80, weight: " + weight + " }"), 4, 41, message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "-1         | port -1 out of range (expected 0..65535)",
            "65536      | port 65536 out of range (expected 0..65535)",
            "1e3        | expected a number, got '1e3'",
            "'80'       | expected a number, got '80' (remove the quotes)",
            "{a: 1}     | expected a number, got a mapping",
        })
        void badAdminPort(String port, String message) {
            singleError(lines("admin:", "  port: " + port), 2, 9, message);
        }
    }

    @Nested
    class Structure {

        @Test
        void badBalancer() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints: [10.0.0.1:80]",
                    "    balancer: least-conn"), 4, 15,
                    "unknown balancer 'least-conn' (expected one of: round-robin, weighted-round-robin, random,"
                    + " least-request, p2c-ewma, ring-hash, maglev)");
        }

        @Test
        void balancerNamesAreCaseSensitive() {
            singleError(lines("services:", "  s:", "    endpoints: [h:1]", "    balancer: Random"), 4, 15,
                    "unknown balancer 'Random'");
        }

        @Test
        void missingEndpointsIsReportedAtTheServiceName() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    balancer: random"), 2, 3, "missing required key 'endpoints' in service 'orders'");
        }

        @Test
        void emptyEndpoints() {
            singleError(lines("services:", "  orders:", "    endpoints: []"), 3, 16, "endpoints must not be empty");
        }

        @Test
        void missingAdminPortIsReportedAtTheAdminKey() {
            singleError(lines("workload: w", "admin:", "  bind: 127.0.0.1"), 2, 1,
                    "missing required key 'port' in admin");
        }

        @Test
        void missingEndpointAddressIsReportedAtTheEndpoint() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints:",
                    "      - { zone: a }"), 4, 9, "missing required key 'address' in endpoint");
        }

        @Test
        void emptyZone() {
            singleError(lines("services:", "  s:", "    endpoints:", "      - {address: h:1, zone: ''}"), 4, 30,
                    "zone must not be empty");
        }

        @Test
        void duplicateTopLevelKey() {
            singleError(lines("workload: a", "workload: b"), 2, 1, "duplicate key 'workload' (first defined at line 1)");
        }

        @Test
        void duplicateServiceName() {
            singleError(lines(
                    "services:",
                    "  a:",
                    "    endpoints: [10.0.0.1:80]",
                    "  a:",
                    "    endpoints: [10.0.0.2:80]"), 4, 3, "duplicate key 'a' (first defined at line 2)");
        }

        @Test
        void duplicateKeyInFlowMapping() {
            singleError(lines("services:", "  s:", "    endpoints: [{address: h:1, address: h:2}]"), 3, 32,
                    "duplicate key 'address'");
        }

        @Test
        void duplicateEndpoint() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints:",
                    "      - 10.0.0.1:80",
                    "      - 10.0.0.1:81",
                    "      - address: 10.0.0.1:80"), 6, 18,
                    "duplicate endpoint '10.0.0.1:80' (first listed at line 4)");
        }

        @Test
        void duplicateEndpointIgnoresHostNameCase() {
            singleError(lines("services:", "  s:", "    endpoints: [Backend:80, backend:80]"), 3, 29,
                    "duplicate endpoint 'backend:80'");
        }

        @Test
        void duplicateEndpointComparesIpv6Values() {
            singleError(lines("services:", "  s:", "    endpoints: [\"[::1]:80\", \"[0:0::0:1]:80\"]"), 3, 29,
                    "duplicate endpoint '[0:0::0:1]:80'");
        }

        @Test
        void adminNotAMapping() {
            singleError("admin: 15000\n", 1, 8, "expected a mapping, got '15000'");
        }

        @Test
        void nullAdminIsAnError() {
            singleError("admin:\n", 1, 7, "expected a mapping, got an empty value");
        }

        @Test
        void servicesNotAMapping() {
            singleError("services: [a, b]\n", 1, 11, "expected a mapping, got a sequence");
        }

        @Test
        void serviceNotAMapping() {
            singleError(lines("services:", "  orders: 10.0.0.1:80"), 2, 11, "expected a mapping, got '10.0.0.1:80'");
        }

        @Test
        void endpointsNotASequence() {
            singleError(lines("services:", "  orders:", "    endpoints: 10.0.0.1:80"), 3, 16,
                    "expected a sequence, got '10.0.0.1:80'");
        }

        @Test
        void endpointNotAStringOrMapping() {
            singleError(lines("services:", "  orders:", "    endpoints:", "      - [10.0.0.1:80]"), 4, 9,
                    "expected an endpoint address or a mapping, got a sequence");
        }

        @Test
        void addressNotAString() {
            singleError(lines("services:", "  s:", "    endpoints:", "      - address: {host: h}"), 4, 18,
                    "expected a string, got a mapping");
        }

        @Test
        void workloadNotAString() {
            singleError("workload: [web]\n", 1, 11, "expected a string, got a sequence");
        }

        @Test
        void balancerNotAString() {
            singleError(lines("services:", "  s:", "    endpoints: [h:1]", "    balancer: {a: 1}"), 4, 15,
                    "expected a string, got a mapping");
        }

        @Test
        void rootNotAMapping() {
            singleError("- workload: web\n", 1, 1, "expected a mapping, got a sequence");
            singleError("just text\n", 1, 1, "expected a mapping, got 'just text'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "\n\n", "# nothing here\n", "---\n", "~\n"})
        void emptyFile(String yaml) {
            singleError(yaml, 1, 1, "empty policy file");
        }
    }

    @Nested
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"Frontend", "-web", "web-", ".web", "web_1", "web app", "wéb"})
        void badWorkload(String name) {
            singleError("workload: \"" + name + "\"\n", 1, 11, "invalid workload name '" + name + "'");
        }

        @Test
        void workloadTooLong() {
            singleError("workload: " + "a".repeat(254) + "\n", 1, 11, "longer than 253 characters");
        }

        @Test
        void badServiceNameStillValidatesTheBody() {
            ParseResult result = parse(lines(
                    "services:",
                    "  Orders:",
                    "    endpoints: [10.0.0.1]"));
            assertPositions(result.errors(), "2:3", "3:17");
            assertProblem(result.errors().get(0), 2, 3, "invalid service name 'Orders'");
            assertProblem(result.errors().get(1), 3, 17, "expected host:port");
        }
    }

    @Nested
    class Syntax {

        @Test
        void unclosedBracket() {
            singleError(lines(
                    "services:",
                    "  orders:",
                    "    endpoints: [10.0.0.1:80, 10.0.0.2:80",
                    "workload: x"), 4, 9, "syntax error: ");
        }

        @Test
        void unclosedBracketAtEndOfFile() {
            singleError(lines("services:", "  orders:", "    endpoints: [10.0.0.1:80"), 4, 1,
                    "syntax error: expected ',' or ']', but got <stream end>");
        }

        @Test
        void badIndentation() {
            ConfigProblem problem = singleError(lines("workload: web", "  admin: 1"), 2, 8,
                    "syntax error: mapping values are not allowed here");
            assertEquals("mesh.yaml:2:8: syntax error: mapping values are not allowed here", problem.toString());
        }

        @Test
        void tabIndentation() {
            singleError(lines("services:", "\torders: {}"), 2, 1, "syntax error: found character '\\t(TAB)'");
        }

        @Test
        void unterminatedQuote() {
            ConfigProblem problem = singleError(lines("workload: \"web", "admin: {port: 1}"), 3, 1,
                    "syntax error: found unexpected end of stream");
            assertEquals(-1, problem.message().indexOf('\n'), "message must be one line");
        }

        @Test
        void severalDocuments() {
            singleError(lines("workload: a", "---", "workload: b"), 2, 1,
                    "syntax error: expected a single document in the stream, but found another document");
        }

        @Test
        void undefinedAlias() {
            singleError("workload: *nope\n", 1, 11, "syntax error: found undefined alias nope");
        }
    }

    @Test
    void allErrorsAreCollectedInFileOrder() {
        ParseResult result = parse(lines(
                "workload: Bad_Name",                                // 1:11 bad name
                "services:",
                "  orders:",
                "    endpoints:",
                "      - 10.0.0.1",                                  // 5:9 no port
                "      - { address: 10.0.0.2:80, weight: 0 }",       // 6:41 weight range
                "    balancer: fastest",                             // 7:15 bad balancer
                "  Users:",                                          // 8:3 bad name
                "    endpoints: []",                                 // 9:16 empty
                "admin:",                                            // 10:1 missing port (found last)
                "  bind: 127.0.0.1",
                "extra: 1",                                          // 12:1 unknown key
                "workload: again"));                                 // 13:1 duplicate key
        assertNull(result.config());
        assertPositions(result.errors(), "1:11", "5:9", "6:41", "7:15", "8:3", "9:16", "10:1", "12:1", "13:1");
        assertProblem(result.errors().get(0), 1, 11, "invalid workload name");
        assertProblem(result.errors().get(1), 5, 9, "expected host:port");
        assertProblem(result.errors().get(2), 6, 41, "weight 0 out of range");
        assertProblem(result.errors().get(3), 7, 15, "unknown balancer 'fastest'");
        assertProblem(result.errors().get(4), 8, 3, "invalid service name 'Users'");
        assertProblem(result.errors().get(5), 9, 16, "endpoints must not be empty");
        assertProblem(result.errors().get(6), 10, 1, "missing required key 'port' in admin");
        assertProblem(result.errors().get(7), 12, 1, "unknown key 'extra'");
        assertProblem(result.errors().get(8), 13, 1, "duplicate key 'workload'");
    }
}

package dev.jmesh.agent.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

    @ParameterizedTest
    @CsvSource({
        "/a/b, /a/b",
        "/a/./b, /a/b",
        "/public/../admin, /admin",
        "/../../admin, /admin",
        "/a/b/.., /a/",
        "/%61dmin, /admin",
        "/a%2eb, /a.b",
        "/%2e%2e/admin, /admin",
        "/caf%c3%a9, /caf%C3%A9",
        "/x?y=/../z, /x?y=/../z",
        "http://orders:8080/a/../b?q, /b?q",
        "*, *",
    })
    void normalizedAsTheRulesAndTheApplicationSeeIt(String target, String expected) {
        assertEquals(expected, RequestPaths.normalize(target).target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2Fb", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00", "/a%zz", "/a%4", "orders/x"})
    void whatARuleCannotBeSureOfIsRefused(String target) {
        assertNull(RequestPaths.normalize(target));
    }
}

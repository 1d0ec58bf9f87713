package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashKeysTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "path              | PATH   |",
        "header:x-user-id  | HEADER | x-user-id",
        "header:X-User-ID  | HEADER | x-user-id",
        "query:tenant      | QUERY  | tenant",
        "query:Tenant      | QUERY  | Tenant",
        "query:a:b         | QUERY  | a:b",
    })
    void parses(String text, HashKey.Source source, String name) {
        HashKeys.Parsed parsed = HashKeys.parse(text);
        assertNull(parsed.error(), parsed::error);
        assertEquals(new HashKey(source, name), parsed.value());
    }

    @Test
    void toStringIsThePolicySpelling() {
        assertEquals("header:x-user-id", HashKeys.parse("header:X-User-Id").value().toString());
        assertEquals("path", HashKeys.parse("path").value().toString());
        assertEquals("query:tenant", HashKeys.parse("query:tenant").value().toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "cookie:x     | bad hashKey 'cookie:x': expected header:NAME, path or query:NAME",
        "Header:x     | expected header:NAME, path or query:NAME",
        "PATH         | expected header:NAME, path or query:NAME",
        "``           | expected header:NAME, path or query:NAME",
        "x-user-id    | expected header:NAME, path or query:NAME",
        "header       | bad hashKey 'header': missing header name, write header:NAME",
        "header:      | missing header name",
        "`header:x y` | bad hashKey 'header:x y': 'x y' is not a valid header name",
        "header:a:b   | 'a:b' is not a valid header name",
        "header:ä     | is not a valid header name",
        "header:(x)   | is not a valid header name",
        "path:x       | bad hashKey 'path:x': path takes no name, write just 'path'",
        "path:        | path takes no name",
        "query        | bad hashKey 'query': missing parameter name, write query:NAME",
        "query:       | missing parameter name",
        "`query:a b`  | parameter name 'a b' must not contain spaces",
        "query:a&b    | must not contain",
        "query:a=b    | must not contain",
        "query:a#b    | must not contain",
    })
    void rejects(String text, String message) {
        HashKeys.Parsed parsed = HashKeys.parse(text);
        assertNull(parsed.value());
        assertTrue(parsed.error().contains(message), () -> "expected \"" + message + "\", got: " + parsed.error());
    }

    @Test
    void tokens() {
        assertTrue(HashKeys.isToken("x-request-id"));
        assertTrue(HashKeys.isToken("X_B3.~!#$%&'*+^`|09"));
        assertFalse(HashKeys.isToken(""));
        assertFalse(HashKeys.isToken("a\tb"));
        assertFalse(HashKeys.isToken("a\"b"));
    }
}

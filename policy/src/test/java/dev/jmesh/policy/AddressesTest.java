package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "fe80::abcd:EF01", "::ffff:1.2.3.4", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "0:0:0:0:0:0:0:1"})
    void validIpv6(String text) {
        assertNotNull(Addresses.ipv6Groups(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::", "1::2:",
        "12345::", "g::", "1.2.3.4", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
        "::1%eth0", "::٣", "[::1]"})
    void invalidIpv6(String text) {
        assertNull(Addresses.ipv6Groups(text), text);
    }

    @Test
    void ipv6Expansion() {
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 1}, Addresses.ipv6Groups("::1"));
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 8}, Addresses.ipv6Groups("1::8"));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}, Addresses.ipv6Groups("::ffff:1.2.3.4"));
    }

    @Test
    void ipv4() {
        assertTrue(Addresses.isIpv4("0.0.0.0"));
        assertTrue(Addresses.isIpv4("255.255.255.255"));
        assertFalse(Addresses.isIpv4("256.0.0.0"));
        assertFalse(Addresses.isIpv4("1.2.3"));
        assertFalse(Addresses.isIpv4("1.2.3.4."));
        assertFalse(Addresses.isIpv4("1.2.3.0004"));
        assertFalse(Addresses.isIpv4("1.2.3.a"));
    }

    @Test
    void dnsNames() {
        assertTrue(Addresses.isDnsName("a"));
        assertTrue(Addresses.isDnsName("a-b.C9"));
        assertTrue(Addresses.isDnsName("x".repeat(63)));
        assertFalse(Addresses.isDnsName("x".repeat(64)));
        String name253 = ("x".repeat(62) + ".").repeat(4) + "x"; // 4 * 63 + 1 = 253
        assertEquals(253, name253.length());
        assertTrue(Addresses.isDnsName(name253));
        assertFalse(Addresses.isDnsName(name253 + "x"));
        assertFalse(Addresses.isDnsName("-a"));
        assertFalse(Addresses.isDnsName("a-"));
        assertFalse(Addresses.isDnsName("a..b"));
        assertFalse(Addresses.isDnsName("a_b"));
    }

    @Test
    void bindAddresses() {
        assertTrue(Addresses.isBindAddress("localhost"));
        assertTrue(Addresses.isBindAddress("::"));
        assertTrue(Addresses.isBindAddress("10.1.2.3"));
        assertFalse(Addresses.isBindAddress("LOCALHOST"));
        assertFalse(Addresses.isBindAddress("[::1]"));
        assertFalse(Addresses.isBindAddress("example.com"));
    }

    @Test
    void canonicalHosts() {
        assertEquals(Addresses.canonicalHost("::1"), Addresses.canonicalHost("0:0:0:0:0:0:0:1"));
        assertEquals(Addresses.canonicalHost("FE80::A"), Addresses.canonicalHost("fe80:0::a"));
        assertEquals("backend.svc", Addresses.canonicalHost("Backend.SVC"));
        assertEquals("10.0.0.1", Addresses.canonicalHost("10.0.0.1"));
    }

    @Test
    void parseEndpointStripsBrackets() {
        Addresses.ParsedAddress parsed = Addresses.parseEndpoint("[fe80::1]:443");
        assertNull(parsed.error());
        assertEquals("fe80::1", parsed.host());
        assertEquals(443, parsed.port());
    }
}

package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {

    @Test
    void workloadIdsFollowTheMeshLayout() {
        SpiffeId id = SpiffeId.workload("example.org", "default", "orders");
        assertEquals("spiffe://example.org/ns/default/sa/orders", id.toString());
        assertEquals(id, SpiffeId.parse(id.toString()));
        assertEquals("example.org", id.trustDomain());
        assertEquals("/ns/default/sa/orders", id.path());
    }

    @Test
    void theTrustDomainIdHasNoPath() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org");
        assertTrue(id.isTrustDomainId());
        assertEquals(SpiffeId.trustDomainId("example.org"), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://example.org/ns/a/sa/b", "spiffe://", "spiffe:///ns/a", "spiffe://Example.org/a",
        "spiffe://example.org/", "spiffe://example.org//a", "spiffe://example.org/a/../b",
        "spiffe://example.org:8080/a", "spiffe://user@example.org/a", "spiffe://example.org/a?b=c",
        "spiffe://example.org/a#b", "spiffe://example.org/a b"})
    void malformedIdsAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(text));
    }

    @Test
    void aBadWorkloadNameIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpiffeId.workload("example.org", "default", "a/b c"));
        assertTrue(e.getMessage().contains("bad SPIFFE path segment"), e.getMessage());
    }
}

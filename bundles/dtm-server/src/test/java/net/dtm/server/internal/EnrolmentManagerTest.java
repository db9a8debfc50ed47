package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;
import net.dtm.api.Pool;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.api.fakes.SettableClock;

/** The operator's enrolment keys over an in-memory store. */
class EnrolmentManagerTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    private final SettableClock clock = new SettableClock(START);
    private final FakeEnrolmentKeyStore store = new FakeEnrolmentKeyStore();
    private final FakePools pools = new FakePools(clock);
    private final EnrolmentManager keys = new EnrolmentManager(store, pools, clock);

    @Test
    void aKeyIsStoredAsItsVerifierAndItsTokenShownOnce() {
        pools.createPool(Pool.of("buses", "10.80.0.0/16", 3600));
        EnrolmentService.Created created = keys.create("depot north", "bus-*", "buses", 1, Duration.ofDays(7));
        EnrolmentToken token = EnrolmentToken.parse(created.token());
        EnrolmentKey key = created.key();
        assertEquals(token.id(), key.id());
        assertArrayEquals(token.verifier(), key.verifier());
        assertEquals(List.of(key), keys.keys());
        assertEquals(key, keys.key(key.id()).orElseThrow());
        assertEquals(START.plus(Duration.ofDays(7)), key.expiresAt());
        assertEquals(1, key.maxUses());
        assertEquals(0, key.uses());
        assertFalse(created.toString().contains(created.token()), "the token is masked");
        assertFalse(store.keys.toString().contains(created.token().substring(("dtmek1-" + key.id() + "-").length())),
                "the secret is not stored");
    }

    @Test
    void badArgumentsAreRefusedNamingThemAndStoreNothing() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create("", "bus-*", "nowhere", 1,
                Duration.ofDays(1))).getMessage().contains("nowhere"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create("", "bus/*", "", 1,
                Duration.ofDays(1))).getMessage().contains("pattern"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create("", "*", "", -1,
                Duration.ofDays(1))).getMessage().contains("uses"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create("", "*", "", 1,
                Duration.ZERO)).getMessage().contains("validity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create("", "*", "", 1,
                EnrolmentService.MAX_VALIDITY.plusDays(1))).getMessage().contains("validity"));
        assertTrue(store.keys.isEmpty());
    }

    @Test
    void revokingKeepsUsesCountedMeanwhileAndDeletingTidies() {
        EnrolmentKey key = keys.create("", "*", "", 0, Duration.ofDays(1)).key();
        assertTrue(store.replace(key, key.withUse()), "a use counted on another node");
        assertTrue(keys.revoke(key.id()));
        EnrolmentKey revoked = keys.key(key.id()).orElseThrow();
        assertTrue(revoked.revoked());
        assertEquals(1, revoked.uses());
        assertFalse(keys.revoke(key.id()), "already revoked");
        assertThrows(IllegalArgumentException.class, () -> keys.revoke("nosuchkey000"));
        assertTrue(keys.delete(key.id()));
        assertFalse(keys.delete(key.id()));
        assertFalse(keys.delete("../etc"));
        assertTrue(keys.keys().isEmpty());
    }
}

package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.EnrolmentKey;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * The suite every {@link EnrolmentKeyStore} implementation must pass: add (twice: refused), find
 * with every field, list by id, {@link EnrolmentKeyStore#replace} as compare-and-set (once, not
 * on a stale record, never creating a key), revocation, remove, durability across
 * {@link #reopen}, malformed ids, and threads racing to count uses of a key: a single-use key is
 * used exactly once and no use of a multi-use key is lost.
 */
public abstract class EnrolmentKeyStoreContract extends StoreContract<EnrolmentKeyStore> {

    private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00.123456789Z");
    private static final Instant NOW = CREATED.plusSeconds(86_400);

    /** A key with a verifier and a reply key derived from {@code seed}, valid for a year from {@link #CREATED}. */
    protected static EnrolmentKey key(String id, int seed, int maxUses) {
        byte[] verifier = new byte[EnrolmentKey.VERIFIER_LENGTH];
        byte[] replyKey = new byte[EnrolmentKey.REPLY_KEY_LENGTH];
        for (int i = 0; i < verifier.length; i++) {
            verifier[i] = (byte) (seed * 17 + i * 5);
            replyKey[i] = (byte) (seed * 29 + i * 3 + 1);
        }
        return new EnrolmentKey(id, verifier, replyKey, "depot " + seed, "bus-*", "", maxUses, 0, CREATED.plusSeconds(seed),
                CREATED.plusSeconds(365L * 86_400).plusNanos(seed), false);
    }

    @Test
    void emptyStore() {
        assertEquals(List.of(), store.list());
        assertEquals(Optional.empty(), store.find("abcd1234"));
    }

    @Test
    void addedKeyIsFoundWithEveryField() {
        EnrolmentKey k = new EnrolmentKey("k1a2b3c4d5e6", key("x0000", 3, 0).verifier(), key("x0000", 9, 0).replyKey(),
                "dépôt nord 100% \"buses\"",
                "bus-??:*.a_b", "depot-1", 25, 7, CREATED, CREATED.plusSeconds(600).plusNanos(1), true);
        assertTrue(store.add(k));
        EnrolmentKey found = store.find("k1a2b3c4d5e6").orElseThrow();
        assertEquals(k, found);
        assertArrayEquals(k.verifier(), found.verifier());
        assertArrayEquals(k.replyKey(), found.replyKey());
        EnrolmentKey plain = key("kk22", 4, 0);
        assertTrue(store.add(plain), "empty pool, unlimited uses");
        assertEquals(Optional.of(plain), store.find("kk22"));
        EnrolmentKey longest = new EnrolmentKey("a".repeat(32), plain.verifier(), plain.replyKey(),
                "x".repeat(EnrolmentKey.MAX_LABEL),
                "d".repeat(64), "p".repeat(64), Integer.MAX_VALUE, Integer.MAX_VALUE, CREATED, Instant.parse("9999-12-31T23:59:59Z"),
                false);
        assertTrue(store.add(longest), "the longest id, label, pattern and pool");
        assertEquals(Optional.of(longest), store.find("a".repeat(32)));
    }

    @Test
    void addingAnIdTwiceIsRefusedAndKeepsTheFirst() {
        EnrolmentKey k = key("dup1", 1, 1);
        assertTrue(store.add(k));
        assertFalse(store.add(key("dup1", 2, 5)));
        assertEquals(Optional.of(k), store.find("dup1"));
        assertEquals(List.of(k), store.list());
    }

    @Test
    void listIsSortedById() {
        for (String id : List.of("zz99", "b2c3", "a00a", "a000", "0abc")) {
            assertTrue(store.add(key(id, id.hashCode() & 0xff, 0)));
        }
        assertEquals(List.of("0abc", "a000", "a00a", "b2c3", "zz99"), store.list().stream().map(EnrolmentKey::id).toList());
        assertEquals(store.find("b2c3").orElseThrow(), store.list().get(3), "listed with every field");
    }

    @Test
    void replaceIsCompareAndSetOnTheWholeRecord() {
        EnrolmentKey k = key("cas1", 1, 3);
        store.add(k);
        EnrolmentKey used = k.withUse();
        assertTrue(store.replace(k, used));
        assertEquals(Optional.of(used), store.find("cas1"));
        assertFalse(store.replace(k, used.withUse()), "a stale expected record changes nothing");
        EnrolmentKey otherLabel = new EnrolmentKey("cas1", used.verifier(), used.replyKey(), "other", used.devicePattern(),
                used.pool(), used.maxUses(), used.uses(), used.createdAt(), used.expiresAt(), used.revoked());
        assertFalse(store.replace(otherLabel, used.withUse()), "every field is compared");
        EnrolmentKey otherReplyKey = new EnrolmentKey("cas1", used.verifier(), key("cas1", 2, 3).replyKey(), used.label(),
                used.devicePattern(), used.pool(), used.maxUses(), used.uses(), used.createdAt(), used.expiresAt(),
                used.revoked());
        assertFalse(store.replace(otherReplyKey, used.withUse()), "the reply key is compared");
        assertFalse(store.replace(used.asRevoked(), used.withUse()), "the revoked flag is compared");
        assertEquals(Optional.of(used), store.find("cas1"));
        assertTrue(store.replace(used, used.withUse()));
        assertEquals(2, store.find("cas1").orElseThrow().uses());
        assertTrue(store.replace(used.withUse(), used), "a use taken back");
        assertEquals(Optional.of(used), store.find("cas1"));
    }

    @Test
    void replaceNeverCreatesAKeyNorRenamesOne() {
        EnrolmentKey ghost = key("ghost", 1, 1);
        assertFalse(store.replace(ghost, ghost.withUse()));
        assertEquals(Optional.empty(), store.find("ghost"));
        EnrolmentKey k = key("real", 2, 1);
        store.add(k);
        assertThrows(IllegalArgumentException.class, () -> store.replace(k, key("other", 2, 1)));
        assertEquals(List.of(k), store.list(), "nothing changed");
    }

    @Test
    void revocationThroughReplace() {
        EnrolmentKey k = key("rev1", 1, 0);
        store.add(k);
        assertTrue(store.replace(k, k.asRevoked()));
        EnrolmentKey found = store.find("rev1").orElseThrow();
        assertTrue(found.revoked());
        assertFalse(found.usableAt(NOW));
        assertFalse(store.replace(k, k.withUse()), "a revoked key's old record is stale");
    }

    @Test
    void removeDeletesOnlyThatKey() {
        EnrolmentKey a = key("rm01", 1, 1);
        EnrolmentKey b = key("rm02", 2, 1);
        store.add(a);
        store.add(b);
        assertTrue(store.remove("rm01"));
        assertFalse(store.remove("rm01"), "second remove reports absence");
        assertEquals(Optional.empty(), store.find("rm01"));
        assertEquals(List.of(b), store.list());
        assertFalse(store.replace(a, a.withUse()), "a removed key cannot be used");
        assertTrue(store.add(key("rm01", 3, 1)), "its id can be given again");
        assertEquals(Optional.of(key("rm01", 3, 1)), store.find("rm01"));
    }

    @Test
    void malformedIdsAreNeverFound() {
        store.add(key("good", 1, 0));
        for (String id : new String[] {"", "GOOD", "../good", "go/od", "a".repeat(33), "go od", "good\n"}) {
            assertEquals(Optional.empty(), store.find(id), id);
            assertFalse(store.remove(id), id);
        }
        assertEquals(1, store.list().size());
    }

    @Test
    void keysSurviveReopen() throws Exception {
        EnrolmentKey a = key("dur1", 1, 2);
        EnrolmentKey b = key("dur2", 2, 0);
        store.add(a);
        store.add(b);
        store.add(key("dur3", 3, 0));
        store.replace(a, a.withUse());
        store.replace(b, b.asRevoked());
        store.remove("dur3");
        reopenStore();
        assertEquals(List.of(a.withUse(), b.asRevoked()), store.list());
        assertFalse(store.add(key("dur1", 9, 0)), "still there after restart");
        assertTrue(store.replace(a.withUse(), a.withUse().withUse()), "and still compare-and-set");
    }

    @Test
    void threadsRacingForASingleUseKeyUseItExactlyOnce() throws Exception {
        store.add(key("once", 1, 1));
        assertEquals(1, winners(12, t -> countUse("once")));
        EnrolmentKey stored = store.find("once").orElseThrow();
        assertEquals(1, stored.uses());
        assertTrue(stored.usedUp());
    }

    @Test
    void threadsRacingForAMultiUseKeyLoseNoUse() throws Exception {
        store.add(key("five", 1, 5));
        assertEquals(5, winners(12, t -> countUse("five")));
        assertEquals(5, store.find("five").orElseThrow().uses());
    }

    /** What an enrolling node does: read, check usable, compare-and-set one more use; retried while it loses races. */
    private boolean countUse(String id) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            EnrolmentKey k = store.find(id).orElseThrow();
            if (!k.usableAt(NOW)) {
                return false;
            }
            if (store.replace(k, k.withUse())) {
                return true;
            }
        }
        throw new AssertionError("1000 compare-and-set attempts on key " + id + " all lost");
    }
}

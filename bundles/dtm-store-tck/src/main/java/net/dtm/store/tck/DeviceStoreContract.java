package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * The suite every {@link DeviceStore} implementation must pass: add, duplicates, find, list (by
 * id), remove, concurrent adds of one device, durability across {@link #reopen}, the disabled
 * flag and previous key kept through {@link DeviceStore#replace} (compare-and-set), a self-enrolled
 * device's router key and re-enrolment allowance (kept, and compared by replace), and the change
 * notification of {@link DeviceStore#addDeviceListener} (within a second).
 */
public abstract class DeviceStoreContract extends StoreContract<DeviceStore> {

    private static final Instant ENROLLED = Instant.parse("2030-01-01T00:00:00.456Z");

    protected static DeviceCredential credential(String id, int seed) {
        byte[] key = new byte[DeviceCredential.KEY_LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return new DeviceCredential(DeviceId.of(id), key, ENROLLED.plusSeconds(seed));
    }

    @Test
    void emptyStore() {
        assertEquals(List.of(), store.list());
        assertEquals(Optional.empty(), store.find(DeviceId.of("d1")));
    }

    @Test
    void addedDeviceIsFoundWithItsKey() {
        DeviceCredential c = credential("smr-0001", 1);
        assertTrue(store.add(c));
        DeviceCredential found = store.find(DeviceId.of("smr-0001")).orElseThrow();
        assertEquals(c, found);
        assertArrayEquals(c.key(), found.key());
        assertEquals(c.enrolledAt(), found.enrolledAt());
    }

    @Test
    void duplicateAddIsRefusedAndKeepsTheOriginalKey() {
        DeviceCredential c = credential("d1", 1);
        assertTrue(store.add(c));
        assertFalse(store.add(credential("d1", 2)));
        assertEquals(Optional.of(c), store.find(DeviceId.of("d1")));
        assertEquals(1, store.list().size());
    }

    @Test
    void listIsOrderedById() {
        store.add(credential("c", 3));
        store.add(credential("a:b", 1));
        store.add(credential("b-2", 2));
        store.add(credential("B", 4));
        List<String> ids = store.list().stream().map(c -> c.device().value()).toList();
        assertEquals(List.of("B", "a:b", "b-2", "c"), ids, "ordered as DeviceId.compareTo orders");
    }

    @Test
    void removeDeletesOnlyThatDevice() {
        store.add(credential("d1", 1));
        DeviceCredential d2 = credential("d2", 2);
        store.add(d2);
        assertTrue(store.remove(DeviceId.of("d1")));
        assertEquals(Optional.empty(), store.find(DeviceId.of("d1")));
        assertFalse(store.remove(DeviceId.of("d1")), "second remove reports absence");
        assertEquals(List.of(d2), store.list());
        assertTrue(store.add(credential("d1", 5)), "a removed device can be enrolled again");
        assertEquals(Optional.of(credential("d1", 5)), store.find(DeviceId.of("d1")));
    }

    @Test
    void removeUnknownReturnsFalse() {
        assertFalse(store.remove(DeviceId.of("nobody")));
    }

    @Test
    void concurrentAddOfOneDeviceExactlyOneWins() throws Exception {
        assertEquals(1, winners(12, seed -> store.add(credential("same", seed))));
        assertEquals(1, store.list().size());
    }

    @Test
    void devicesSurviveReopen() throws Exception {
        DeviceCredential d1 = credential("d1", 1);
        DeviceCredential d2 = credential("d2", 2);
        store.add(d1);
        store.add(d2);
        store.add(credential("d3", 3));
        store.remove(DeviceId.of("d3"));
        reopenStore();
        assertEquals(List.of(d1, d2), store.list());
        assertArrayEquals(d2.key(), store.find(DeviceId.of("d2")).orElseThrow().key());
        assertFalse(store.add(credential("d1", 9)), "still enrolled after restart");
    }

    private static byte[] key(int seed) {
        return credential("x", seed).key();
    }

    @Test
    void replaceKeepsTheDisabledFlagAndThePreviousKeyAndIsCompareAndSet() throws Exception {
        DeviceCredential d = credential("d1", 1);
        store.add(d);
        DeviceCredential rekeyed = d.rekeyed(key(2), ENROLLED.plusSeconds(600).plusNanos(7));
        assertTrue(store.replace(d, rekeyed));
        DeviceCredential found = store.find(DeviceId.of("d1")).orElseThrow();
        assertEquals(rekeyed, found);
        assertArrayEquals(d.key(), found.previousKey(), "the old key is kept as the previous one");
        assertEquals(ENROLLED.plusSeconds(600).plusNanos(7), found.previousKeyUntil());

        assertFalse(store.replace(d, d.withDisabled(true)), "a stale expected record changes nothing");
        assertEquals(Optional.of(rekeyed), store.find(DeviceId.of("d1")));
        DeviceCredential disabled = rekeyed.withDisabled(true);
        assertTrue(store.replace(rekeyed, disabled));
        DeviceCredential onlyNewKey = disabled.rekeyed(key(3), null);
        assertTrue(store.replace(disabled, onlyNewKey));
        assertNull(store.find(DeviceId.of("d1")).orElseThrow().previousKey(), "a re-key without overlap keeps no previous key");
        assertFalse(store.replace(credential("nobody", 4), credential("nobody", 5)), "an unknown device is not created");
        assertEquals(Optional.empty(), store.find(DeviceId.of("nobody")));

        reopenStore();
        assertEquals(Optional.of(onlyNewKey), store.find(DeviceId.of("d1")));
        assertTrue(store.find(DeviceId.of("d1")).orElseThrow().disabled(), "still disabled after restart");
        assertEquals(List.of(onlyNewKey), store.list());
    }

    private static byte[] routerKey(int seed) {
        byte[] k = key(seed);
        k[0] = (byte) 0xee; // not equal to any device key of the same seed
        return k;
    }

    @Test
    void selfEnrolledDeviceKeepsItsRouterKeyAndReenrolmentAllowanceAndReplaceComparesThem() throws Exception {
        DeviceCredential enrolled = DeviceCredential.enrolledBy(DeviceId.of("bus-1"), key(1), ENROLLED.plusNanos(3), routerKey(1));
        assertTrue(store.add(enrolled));
        DeviceCredential found = store.find(DeviceId.of("bus-1")).orElseThrow();
        assertEquals(enrolled, found);
        assertArrayEquals(routerKey(1), found.routerKey());
        assertNull(found.reenrolUntil());

        DeviceCredential otherRouter = DeviceCredential.enrolledBy(DeviceId.of("bus-1"), key(1), ENROLLED.plusNanos(3), routerKey(2));
        assertFalse(store.replace(otherRouter, otherRouter.withDisabled(true)), "the router key is part of the record");
        DeviceCredential operatorEnrolled = new DeviceCredential(DeviceId.of("bus-1"), key(1), ENROLLED.plusNanos(3));
        assertFalse(store.replace(operatorEnrolled, operatorEnrolled.withDisabled(true)), "no router key is not this one");
        Instant until = ENROLLED.plusSeconds(3600).plusNanos(11);
        assertFalse(store.replace(enrolled.withReenrolUntil(until), enrolled), "the allowance is part of the record");
        assertEquals(Optional.of(enrolled), store.find(DeviceId.of("bus-1")));

        DeviceCredential allowed = enrolled.withReenrolUntil(until);
        assertTrue(store.replace(enrolled, allowed));
        assertEquals(Optional.of(allowed), store.find(DeviceId.of("bus-1")));
        assertFalse(store.replace(enrolled, enrolled.withDisabled(true)), "a stored allowance is not an absent one");
        assertFalse(store.replace(allowed.withReenrolUntil(until.plusNanos(1)), enrolled), "nor another instant");

        DeviceCredential takenOver = allowed.reenrolledBy(routerKey(3), key(4));
        assertTrue(store.replace(allowed, takenOver));
        DeviceCredential rekeyed = takenOver.rekeyed(key(5), until).withReenrolUntil(until.plusSeconds(1));
        assertTrue(store.replace(takenOver, rekeyed), "every field at once: previous key, router key, allowance");
        DeviceCredential plain = credential("plain", 6);
        store.add(plain);

        reopenStore();
        assertEquals(Optional.of(rekeyed), store.find(DeviceId.of("bus-1")));
        assertArrayEquals(routerKey(3), store.find(DeviceId.of("bus-1")).orElseThrow().routerKey());
        assertEquals(until.plusSeconds(1), store.find(DeviceId.of("bus-1")).orElseThrow().reenrolUntil());
        assertEquals(List.of(rekeyed, plain), store.list());
        DeviceCredential readPlain = store.find(DeviceId.of("plain")).orElseThrow();
        assertNull(readPlain.routerKey(), "an operator-enrolled device has no router key");
        assertNull(readPlain.reenrolUntil());
    }

    @Test
    void concurrentReplacesOfOneRecordExactlyOneWins() throws Exception {
        DeviceCredential d = credential("same", 1);
        store.add(d);
        assertEquals(1, winners(8, seed -> store.replace(d, d.rekeyed(key(10 + seed), null))));
    }

    /**
     * How long a listener may wait for a change here: generous, so a loaded build machine does not
     * fail the contract; how fast nodes see a change is measured by the cluster tests (within 1 s).
     */
    private static final long NOTICE_SECONDS = 10;

    @Test
    void listenersAreToldOfEveryChangeUntilTheyUnsubscribe() throws Exception {
        LinkedBlockingQueue<DeviceId> changes = new LinkedBlockingQueue<>();
        DeviceStore.Subscription subscription = store.addDeviceListener(changes::add).orElseThrow(
                () -> new AssertionError("the store reports no device changes"));
        DeviceCredential d = credential("watched", 1);
        store.add(d);
        assertEquals(DeviceId.of("watched"), changes.poll(NOTICE_SECONDS, TimeUnit.SECONDS), "enrolment reported");
        store.replace(d, d.withDisabled(true));
        assertEquals(DeviceId.of("watched"), changes.poll(NOTICE_SECONDS, TimeUnit.SECONDS), "change reported");
        store.remove(DeviceId.of("watched"));
        assertEquals(DeviceId.of("watched"), changes.poll(NOTICE_SECONDS, TimeUnit.SECONDS), "removal reported");

        subscription.close();
        store.add(credential("after", 2));
        store.add(credential("sentinel", 3)); // reported to a second listener: by then "after" would have been too
        LinkedBlockingQueue<DeviceId> second = new LinkedBlockingQueue<>();
        try (DeviceStore.Subscription s2 = store.addDeviceListener(second::add).orElseThrow()) {
            store.remove(DeviceId.of("sentinel"));
            assertEquals(DeviceId.of("sentinel"), second.poll(NOTICE_SECONDS, TimeUnit.SECONDS));
        }
        assertTrue(changes.isEmpty(), "nothing after close: " + changes);
    }
}

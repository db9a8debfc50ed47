package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * The suite every {@link DeviceStore} implementation must pass: add, duplicates, find, list (by
 * id), remove, concurrent adds of one device, and durability across {@link #reopen}.
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
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int seed = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return store.add(credential("same", seed));
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : futures) {
                won += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(1, store.list().size());
        } finally {
            pool.shutdownNow();
        }
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
}

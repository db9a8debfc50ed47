package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;
import net.dtm.api.fakes.SettableClock;

class DeviceManagerTest {

    private final FakeDeviceStore store = new FakeDeviceStore();
    private final DeviceManager manager = new DeviceManager(store);
    private final DeviceId id = DeviceId.of("smr-1");

    @Test
    void enrollGivesAFreshRandomKeyPerDevice() {
        DeviceCredential a = manager.enroll(id);
        DeviceCredential b = manager.enroll(DeviceId.of("smr-2"));
        assertEquals(32, a.key().length);
        assertFalse(Arrays.equals(a.key(), b.key()));
        assertFalse(Arrays.equals(new byte[32], a.key()));
        assertEquals(a, store.devices.get(id));
        assertEquals(2, manager.devices().size());
    }

    @Test
    void duplicateEnrollIsRejectedClearlyAndKeepsTheOldKey() {
        DeviceCredential a = manager.enroll(id);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager.enroll(id));
        assertTrue(e.getMessage().contains("smr-1") && e.getMessage().contains("already enrolled"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> manager.enroll(id, new byte[32]));
        assertArrayEquals(a.key(), manager.key(id).orElseThrow());
    }

    @Test
    void enrollWithOperatorKey() {
        byte[] key = new byte[32];
        key[0] = 7;
        manager.enroll(id, key);
        assertArrayEquals(key, manager.key(id).orElseThrow());
    }

    @Test
    void malformedKeyIsRejectedAndNothingStored() {
        assertThrows(IllegalArgumentException.class, () -> manager.enroll(id, new byte[16]));
        assertTrue(store.devices.isEmpty());
    }

    @Test
    void keysAreCachedForTheHotPath() {
        manager.enroll(id);
        for (int i = 0; i < 10; i++) {
            assertTrue(manager.key(id).isPresent());
        }
        assertEquals(1, store.finds.get());
    }

    @Test
    void anUnknownDeviceEnrolledThroughAnotherNodeIsSeenAtOnce() {
        assertTrue(manager.key(id).isEmpty());
        store.add(new DeviceCredential(id, new byte[32], java.time.Instant.now()));   // e.g. through another node
        assertTrue(manager.key(id).isPresent(), "the store's event dropped the negative entry");
    }

    @Test
    void removeInvalidatesTheCache() {
        manager.enroll(id);
        assertTrue(manager.key(id).isPresent());
        assertTrue(manager.remove(id));
        assertTrue(manager.key(id).isEmpty());
        assertTrue(manager.device(id).isEmpty());
        assertFalse(manager.remove(id));
    }

    @Test
    void storeFailuresPropagate() {
        DeviceManager broken = new DeviceManager(new FakeDeviceStore() {
            @Override
            public java.util.Optional<DeviceCredential> find(DeviceId d) {
                throw new net.dtm.spi.store.StoreUnavailableException("down", null);
            }
        });
        assertThrows(net.dtm.spi.store.StoreUnavailableException.class, () -> broken.key(id));
    }

    // ------------------------------------------------------------------ revocation and the caches

    private static final Instant T0 = Instant.parse("2030-03-01T12:00:00Z");
    private final SettableClock clock = new SettableClock(T0);

    private static byte[] key(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    @Test
    void aDeviceChangedThroughAnotherNodeIsDroppedFromTheCacheByTheStoresEvent() {
        manager.enroll(id, key(1));
        assertArrayEquals(key(1), manager.key(id).orElseThrow());
        DeviceCredential stored = store.devices.get(id);
        store.replace(stored, stored.rekeyed(key(2), null));              // another node re-keys it
        assertArrayEquals(key(2), manager.key(id).orElseThrow());
        store.replace(store.devices.get(id), store.devices.get(id).withDisabled(true)); // and disables it
        assertTrue(manager.device(id).orElseThrow().disabled());
        store.remove(id);                                                  // and removes it
        assertTrue(manager.device(id).isEmpty());
    }

    @Test
    void aStoreThatReportsNoChangesIsReReadAfterTheTtl() {
        FakeDeviceStore silent = new FakeDeviceStore() {
            @Override
            public Optional<DeviceStore.Subscription> addDeviceListener(DeviceStore.Listener l) {
                return Optional.empty();
            }
        };
        DeviceManager m = new DeviceManager(silent, clock, 10, Duration.ofMinutes(1));
        m.enroll(id, key(1));
        assertTrue(m.device(id).isPresent());
        silent.devices.remove(id); // another node removed it, unreported
        clock.advance(Duration.ofSeconds(59));
        assertTrue(m.device(id).isPresent(), "trusted for the TTL");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(m.device(id).isEmpty(), "re-read after it");
    }

    @Test
    void anUnknownIdCostsOneStoreReadPerTtl() {
        DeviceManager m = new DeviceManager(store, clock, 100, Duration.ofMinutes(1));
        DeviceId nobody = DeviceId.of("nobody");
        for (int i = 0; i < 1000; i++) {
            assertTrue(m.device(nobody).isEmpty());
        }
        assertEquals(1, store.finds.get());
        assertEquals(1, m.unknownStoreReads());
        clock.advance(Duration.ofSeconds(59));
        m.device(nobody);
        assertEquals(1, store.finds.get(), "still remembered just before the minute ends");
        clock.advance(Duration.ofSeconds(1));
        m.device(nobody);
        m.device(nobody);
        assertEquals(2, store.finds.get(), "read again once the minute is over, then remembered again");
        assertEquals(2, m.unknownStoreReads());
    }

    @Test
    void theUnknownIdsAreBoundedTheOldestGoingFirst() {
        DeviceManager m = new DeviceManager(store, clock, 3, Duration.ofMinutes(1));
        for (int i = 1; i <= 4; i++) {
            m.device(DeviceId.of("u" + i)); // u1 is dropped when u4 comes in
        }
        assertEquals(4, store.finds.get());
        m.device(DeviceId.of("u4"));
        m.device(DeviceId.of("u2"));
        assertEquals(4, store.finds.get(), "the three newest are remembered");
        m.device(DeviceId.of("u1"));
        assertEquals(5, store.finds.get(), "the oldest was dropped");
    }

    @Test
    void concurrentLookupsOfOneUnknownIdShareOneStoreRead() throws Exception {
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeDeviceStore slow = new FakeDeviceStore() {
            @Override
            public Optional<DeviceCredential> find(DeviceId d) {
                heldAt(inRead, release);
                return super.find(d);
            }
        };
        DeviceManager m = new DeviceManager(slow, clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Future<Optional<DeviceCredential>> first = pool.submit(() -> m.device(DeviceId.of("nobody")));
            assertTrue(inRead.await(10, TimeUnit.SECONDS));
            List<Future<Optional<DeviceCredential>>> others = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                others.add(pool.submit(() -> m.device(DeviceId.of("nobody"))));
            }
            release.countDown();
            assertTrue(first.get(10, TimeUnit.SECONDS).isEmpty());
            for (Future<Optional<DeviceCredential>> f : others) {
                assertTrue(f.get(10, TimeUnit.SECONDS).isEmpty());
            }
            assertEquals(1, slow.finds.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A store plugin removed mid-read throws an Error, not an exception: the lookups sharing that read fail too, none hangs. */
    @Test
    void lookupsSharingAReadThatThrowsAnErrorFailWithItAndNoneHangs() throws Exception {
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeDeviceStore going = new FakeDeviceStore() {
            @Override
            public Optional<DeviceCredential> find(DeviceId d) {
                heldAt(inRead, release);
                throw new NoClassDefFoundError("net/dtm/store/gone/Lookup");
            }
        };
        DeviceManager m = new DeviceManager(going, clock);
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> new Thread(r, "lookup"));
        try {
            List<Future<Optional<DeviceCredential>>> all = new java.util.ArrayList<>();
            all.add(pool.submit(() -> m.device(DeviceId.of("smr-9"))));
            assertTrue(inRead.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 7; i++) {
                all.add(pool.submit(() -> m.device(DeviceId.of("smr-9"))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> inLoad() == 8); // the reader and the 7 sharing its read
            release.countDown();
            for (Future<Optional<DeviceCredential>> f : all) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertTrue(String.valueOf(e.getCause()).contains("net/dtm/store/gone/Lookup"), String.valueOf(e.getCause()));
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** A store read that says it started ({@code inRead}) and waits for {@code release}. */
    private static void heldAt(CountDownLatch inRead, CountDownLatch release) {
        inRead.countDown();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lookup threads parked in the device cache's load (the reader on its latch, the others on its read). */
    private static long inLoad() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("lookup") && e.getKey().getState() != Thread.State.RUNNABLE)
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith(".DeviceCache")
                        && f.getMethodName().equals("load")))
                .count();
    }

    @Test
    void aReadRacingAChangeDoesNotKeepTheStaleRecord() {
        DeviceCredential old = new DeviceCredential(id, key(1), T0);
        store.devices.put(id, old);
        FakeDeviceStore racing = new FakeDeviceStore() {
            @Override
            public Optional<DeviceCredential> find(DeviceId d) {
                Optional<DeviceCredential> read = super.find(d);
                if (finds.get() == 1) { // another node re-keys it right after this read
                    replace(devices.get(d), devices.get(d).rekeyed(key(2), null));
                }
                return read;
            }
        };
        racing.devices.put(id, old);
        DeviceManager m = new DeviceManager(racing, clock);
        assertArrayEquals(key(1), m.key(id).orElseThrow(), "this lookup may see what it read");
        assertArrayEquals(key(2), m.key(id).orElseThrow(), "but did not keep it");
    }

    @Test
    void preloadFillsTheCacheAndStoreFailuresOfALookupAreNotRemembered() {
        store.devices.put(id, new DeviceCredential(id, key(1), T0));
        assertEquals(1, manager.preload());
        manager.key(id);
        assertEquals(0, store.finds.get());
        FakeDeviceStore flaky = new FakeDeviceStore();
        flaky.unreachable = true;
        flaky.devices.put(id, new DeviceCredential(id, key(1), T0));
        DeviceManager m = new DeviceManager(flaky, clock);
        assertThrows(net.dtm.spi.store.StoreUnavailableException.class, () -> m.key(id));
        flaky.unreachable = false;
        assertTrue(m.key(id).isPresent());
    }

    /**
     * A store reconnecting says it may have missed changes (ZooKeeper: after every reconnection).
     * The devices known are then re-read on their next use, so a missed change is seen, but they
     * are not forgotten: if the store is lost again before that read, the last-known record answers
     * (the chaos test's quorum loss came just after a ZooKeeper leader change, and the node could
     * not recognise, so not renew from memory, any device). Never a device it was told changed.
     */
    @Test
    void afterAResyncKnownDevicesAreReReadAndAnswerFromMemoryOnlyWhileTheStoreIsUnreachable() {
        FakeDeviceStore flaky = new FakeDeviceStore();
        DeviceId other = DeviceId.of("smr-2");
        DeviceId never = DeviceId.of("smr-3");
        flaky.devices.put(id, new DeviceCredential(id, key(1), T0));
        flaky.devices.put(other, new DeviceCredential(other, key(5), T0));
        DeviceManager m = new DeviceManager(flaky, clock);
        assertArrayEquals(key(1), m.key(id).orElseThrow());
        assertArrayEquals(key(5), m.key(other).orElseThrow());
        assertEquals(2, flaky.finds.get());

        // a change the store's notification missed while disconnected, then the resync
        flaky.devices.put(id, new DeviceCredential(id, key(2), T0));
        flaky.listeners.forEach(DeviceStore.Listener::resynced);
        assertArrayEquals(key(2), m.key(id).orElseThrow(), "re-read after the resync: the missed change is seen");
        assertEquals(3, flaky.finds.get());
        assertArrayEquals(key(2), m.key(id).orElseThrow(), "and kept");
        assertEquals(3, flaky.finds.get());

        // reconnected again, and the store lost before any device was used
        flaky.listeners.forEach(DeviceStore.Listener::resynced);
        flaky.unreachable = true;
        assertArrayEquals(key(2), m.key(id).orElseThrow(), "the last-known record while the store is unreachable");
        assertArrayEquals(key(5), m.key(other).orElseThrow());
        assertEquals(5, flaky.finds.get(), "the store was tried first each time");
        assertEquals(2, m.staleAnswers());
        assertThrows(net.dtm.spi.store.StoreUnavailableException.class, () -> m.key(never), "nothing known: the failure");
        flaky.listeners.forEach(l -> l.changed(other));  // told of a change: never answered from memory
        assertThrows(net.dtm.spi.store.StoreUnavailableException.class, () -> m.key(other));

        flaky.unreachable = false;
        flaky.devices.put(id, new DeviceCredential(id, key(3), T0));  // missed too
        assertArrayEquals(key(3), m.key(id).orElseThrow(), "still stale: read again once the store answers");
        assertArrayEquals(key(3), m.key(id).orElseThrow());
        assertEquals(2, m.staleAnswers());
    }

    /**
     * A resync that comes while a node reads every device at start (ZooKeeper's device watch is set
     * a second time when Curator's connection event follows the watch's start) makes what was read
     * stale, not forgotten: the devices are still held (their requests go first) and re-read on
     * their next use. It used to empty the cache: every device read at start was dropped again.
     */
    @Test
    void aResyncWhileEveryDeviceIsReadLeavesThemHeldAndStaleNotForgotten() {
        FakeDeviceStore resyncing = new FakeDeviceStore() {
            @Override
            public List<DeviceCredential> list() {
                List<DeviceCredential> all = super.list();
                listeners.forEach(DeviceStore.Listener::resynced); // the watch set again while the list was read
                return all;
            }
        };
        resyncing.devices.put(id, new DeviceCredential(id, key(1), T0));
        DeviceManager m = new DeviceManager(resyncing, clock);
        assertEquals(1, m.preload());
        assertTrue(m.inMemory(id), "held: its requests still go first");

        resyncing.unreachable = true;
        assertArrayEquals(key(1), m.key(id).orElseThrow(), "the last-known record while the store is unreachable");
        assertEquals(1, m.staleAnswers());
        resyncing.unreachable = false;
        resyncing.devices.put(id, new DeviceCredential(id, key(2), T0)); // a change the resync may stand for
        assertArrayEquals(key(2), m.key(id).orElseThrow(), "stale: read again once the store answers");
        int reads = resyncing.finds.get();
        assertArrayEquals(key(2), m.key(id).orElseThrow());
        assertEquals(reads, resyncing.finds.get(), "and then kept");
    }

    /** A device removed while its change went unreported: once a read finds it gone, memory never answers for it. */
    @Test
    void aDeviceFoundGoneAfterAResyncIsNotAnsweredFromMemoryWhenTheStoreIsLost() {
        FakeDeviceStore flaky = new FakeDeviceStore();
        flaky.devices.put(id, new DeviceCredential(id, key(1), T0));
        DeviceManager m = new DeviceManager(flaky, clock);
        assertTrue(m.key(id).isPresent());
        flaky.devices.remove(id); // removed elsewhere while disconnected: no notice
        flaky.listeners.forEach(DeviceStore.Listener::resynced);
        assertTrue(m.key(id).isEmpty(), "re-read after the resync: gone");
        assertFalse(m.inMemory(id));
        flaky.unreachable = true;
        assertTrue(m.key(id).isEmpty(), "remembered as unknown, not answered with the removed device's last-known key");
        assertEquals(0, m.staleAnswers());
    }

    @Test
    void aDeviceIsHeldInMemoryOnceReadAndNotAfterAChange() {
        assertFalse(manager.inMemory(id));
        store.devices.put(id, new DeviceCredential(id, key(1), T0));
        assertFalse(manager.inMemory(id), "not read yet");
        manager.key(id);
        assertTrue(manager.inMemory(id));
        store.listeners.forEach(l -> l.changed(id));
        assertFalse(manager.inMemory(id), "told of a change: forgotten until read again");
    }

    @Test
    void rekeyKeepsThePreviousKeyForTheOverlapOnly() {
        DeviceManager m = new DeviceManager(store, clock);
        m.enroll(id, key(1));
        DeviceCredential c = m.rekey(id, key(2), Duration.ofMinutes(10));
        assertArrayEquals(key(2), c.key());
        assertEquals(T0.plus(Duration.ofMinutes(10)), c.previousKeyUntil());
        assertEquals(c, store.devices.get(id));
        DeviceCredential cached = m.device(id).orElseThrow();
        assertArrayEquals(key(1), cached.previousKeyAt(clock.instant()).orElseThrow());
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertTrue(cached.previousKeyAt(clock.instant()).isPresent(), "accepted until the overlap ends");
        clock.advance(Duration.ofMillis(1));
        assertTrue(cached.previousKeyAt(clock.instant()).isEmpty(), "and not after");

        DeviceCredential fresh = m.rekey(id, Duration.ZERO);
        assertFalse(Arrays.equals(key(2), fresh.key()));
        assertTrue(fresh.previousKeyAt(clock.instant()).isEmpty(), "no overlap: the old key is not accepted at all");
        assertArrayEquals(key(2), fresh.previousKey(), "but kept: a self-enrolled router's key fetch is sealed with it");
        assertEquals(clock.instant(), fresh.previousKeyUntil());
        assertArrayEquals(fresh.key(), m.key(id).orElseThrow());
    }

    @Test
    void rekeyDisableAndEnableRefuseAnUnknownDeviceAndABadOverlapOrKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager.rekey(id, Duration.ZERO));
        assertTrue(e.getMessage().contains("smr-1 is not enrolled"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> manager.disable(id));
        assertThrows(IllegalArgumentException.class, () -> manager.enable(id));
        manager.enroll(id, key(1));
        assertThrows(IllegalArgumentException.class, () -> manager.rekey(id, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> manager.rekey(id, new byte[5], Duration.ZERO));
        assertArrayEquals(key(1), manager.key(id).orElseThrow(), "nothing changed");
    }

    @Test
    void disableAndEnableAreSeenAtOnceAndReportWhetherTheyChangedAnything() {
        manager.enroll(id, key(1));
        assertFalse(manager.device(id).orElseThrow().disabled());
        assertTrue(manager.disable(id));
        assertTrue(manager.device(id).orElseThrow().disabled());
        assertFalse(manager.disable(id), "already disabled");
        assertTrue(manager.enable(id));
        assertFalse(manager.device(id).orElseThrow().disabled());
        assertFalse(manager.enable(id), "was not disabled");
        assertArrayEquals(key(1), manager.key(id).orElseThrow(), "the key is kept");
    }

    @Test
    void aChangeRacingAnotherNodesChangeIsAppliedOnTheNewRecord() {
        manager.enroll(id, key(1));
        FakeDeviceStore contended = new FakeDeviceStore() {
            @Override
            public boolean replace(DeviceCredential expected, DeviceCredential updated) {
                if (finds.get() == 1) { // another node re-keys it between our read and our write
                    super.replace(expected, expected.rekeyed(key(3), null));
                    return false;
                }
                return super.replace(expected, updated);
            }
        };
        contended.devices.putAll(store.devices);
        DeviceManager m = new DeviceManager(contended, clock);
        assertTrue(m.disable(id));
        DeviceCredential now = contended.devices.get(id);
        assertTrue(now.disabled());
        assertArrayEquals(key(3), now.key(), "the other node's re-key is kept");
    }

    @Test
    void closeStopsListening() {
        DeviceManager m = new DeviceManager(store, clock);
        assertEquals(2, store.listeners.size());
        m.close();
        assertEquals(1, store.listeners.size());
    }

    @Test
    void selfEnrolledDevicesWrittenThroughTheRegistryAreSeenAtOnceEvenByAStoreThatReportsNoChanges() {
        FakeDeviceStore silent = new FakeDeviceStore() {
            @Override
            public Optional<Subscription> addDeviceListener(Listener listener) {
                return Optional.empty();
            }
        };
        DeviceManager devices = new DeviceManager(silent);
        DeviceId id = DeviceId.of("bus-1");
        assertTrue(devices.device(id).isEmpty(), "remembered as unknown");
        byte[] router = new byte[32];
        DeviceCredential enrolled = DeviceCredential.enrolledBy(id, new byte[32], Instant.EPOCH, router);
        assertTrue(devices.addEnrolled(enrolled));
        assertFalse(devices.addEnrolled(enrolled), "the id exists");
        assertEquals(enrolled, devices.device(id).orElseThrow());
        assertEquals(enrolled, devices.stored(id).orElseThrow());
        byte[] other = new byte[32];
        Arrays.fill(other, (byte) 9);
        DeviceCredential taken = enrolled.reenrolledBy(other, other);
        assertTrue(devices.replaceEnrolled(enrolled, taken));
        assertFalse(devices.replaceEnrolled(enrolled, taken), "compare-and-set");
        assertEquals(taken, devices.device(id).orElseThrow());
    }
}

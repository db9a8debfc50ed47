package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.store.derby.DerbyStore;
import net.dtm.api.fakes.SettableClock;

class PoolManagerTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        return new PoolManager(store, "node-1", clock, PoolSettings.of(LOCK, 0.5), null);
    }

    private Pool small() {
        return pm.createPool(Pool.of("small", "10.9.0.0/29", 3600));
    }

    // ------------------------------------------------------------ allocation

    @Test
    void allocationLocksFreshAddressesSkippingNetworkGatewayAndBroadcast() {
        small();
        Set<InetAddress> got = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Lease l = pm.allocate("small", dev("d" + i));
            assertEquals(LeaseState.LOCKED, l.state());
            assertEquals(clock.instant().plus(LOCK), l.expiresAt());
            assertEquals("node-1", l.nodeId());
            got.add(l.address());
        }
        assertEquals(Set.of(ip("10.9.0.2"), ip("10.9.0.3"), ip("10.9.0.4"), ip("10.9.0.5"), ip("10.9.0.6")), got);
        assertEquals(5, pm.used("small"));
    }

    @Test
    void allocationIsStickyAndAnActiveLeaseIsReturnedWithoutWriting() {
        small();
        Lease first = pm.allocate("small", dev("d1"));
        int writes = store.writes.get();
        Lease again = pm.allocate("small", dev("d1"));
        assertEquals(first, again);
        assertEquals(writes, store.writes.get(), "a duplicate request from another path writes nothing");
        Lease bound = pm.confirm("small", dev("d1"));
        assertEquals(bound, pm.allocate("small", dev("d1")), "a bound lease is not downgraded");
    }

    @Test
    void releaseThenAllocateGivesTheSameAddressBack() {
        small();
        Lease first = pm.allocate("small", dev("d1"));
        pm.confirm("small", dev("d1"));
        pm.allocate("small", dev("d2"));
        assertTrue(pm.release("small", dev("d1")));
        Lease released = pm.lease("small", dev("d1")).orElseThrow();
        assertEquals(LeaseState.RELEASED, released.state());
        clock.advance(Duration.ofMinutes(5));
        Lease back = pm.allocate("small", dev("d1"));
        assertEquals(first.address(), back.address());
        assertEquals(LeaseState.LOCKED, back.state());
        assertTrue(back.sequence() > released.sequence());
        assertEquals(clock.instant().plus(LOCK), back.expiresAt());
    }

    @Test
    void allocationNeverScansThePoolWhileFreeAddressesAreKnown() {
        pm.createPool(Pool.of("p", "10.70.0.0/24", 3600));
        int writes = store.writes.get();
        for (int i = 0; i < 253; i++) { // fill the /24 completely (253 host addresses)
            pm.allocate("p", dev("d" + i));
        }
        assertEquals(0, store.scans.get(), "no lease listing on the allocation path");
        assertEquals(writes + 253, store.writes.get(), "exactly one store write per new device");
        assertEquals(0, pm.knownFree("p"));
    }

    @Test
    void expiredLeaseOfTheSameDeviceIsReissued() {
        small();
        Lease first = pm.allocate("small", dev("d1"));
        clock.advance(Duration.ofHours(2));
        Lease again = pm.allocate("small", dev("d1"));
        assertEquals(first.address(), again.address());
        assertEquals(first.sequence() + 1, again.sequence());
        assertEquals(clock.instant().plus(LOCK), again.expiresAt());
    }

    @Test
    void unknownPoolIsNoPool() {
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class, () -> pm.allocate("nope", dev("d1"))).reason());
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class, () -> pm.confirm("nope", dev("d1"))).reason());
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class, () -> pm.allocate(null, dev("d1"))).reason());
    }

    // ------------------------------------------------------------ exhaustion and reclamation

    @Test
    void smallPoolExhaustsWithTheRightReasonAndKeepsServingItsDevices() {
        small();
        for (int i = 0; i < 5; i++) {
            pm.allocate("small", dev("d" + i));
        }
        DtmException e = assertThrows(DtmException.class, () -> pm.allocate("small", dev("late")));
        assertEquals(Reason.POOL_EXHAUSTED, e.reason());
        assertEquals("pool small exhausted (5 addresses)", e.getMessage());
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("later"))).reason());
        assertEquals(ip("10.9.0.2"), pm.allocate("small", dev("d0")).address(), "holders still get their lease");
        assertTrue(pm.lease("small", dev("late")).isEmpty());
    }

    @Test
    void expiredLeaseOfAnotherDeviceIsReclaimedWhenThePoolIsFull() {
        small();
        for (int i = 0; i < 5; i++) {
            pm.allocate("small", dev("d" + i));
        }
        for (int i = 1; i < 5; i++) {
            pm.confirm("small", dev("d" + i)); // d0 stays LOCKED and lets its lock lapse
        }
        assertThrows(DtmException.class, () -> pm.allocate("small", dev("new")));
        clock.advance(LOCK.plusSeconds(1));
        Lease l = pm.allocate("small", dev("new"));
        assertEquals(ip("10.9.0.2"), l.address(), "d0's lapsed address");
        assertTrue(pm.lease("small", dev("d0")).isEmpty(), "d0's binding was removed");
        assertEquals(5, pm.leases("small").size());
        DtmException e = assertThrows(DtmException.class, () -> pm.allocate("small", dev("d0")));
        assertEquals(Reason.POOL_EXHAUSTED, e.reason(), "no active lease is ever taken away");
    }

    @Test
    void quarantineKeepsAReleasedAddressForItsDevice() {
        pm = new PoolManager(store, "node-1", clock, new PoolSettings(LOCK, 0.5, Duration.ofMinutes(10), new int[0]), null);
        small();
        for (int i = 0; i < 5; i++) {
            pm.allocate("small", dev("d" + i));
            pm.confirm("small", dev("d" + i));
        }
        pm.release("small", dev("d3"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("new"))).reason());
        clock.advance(Duration.ofMinutes(6));
        assertEquals(ip("10.9.0.5"), pm.allocate("small", dev("new")).address());
    }

    @Test
    void addressesFreedByAnotherNodeAreFoundWhenTheIndexRunsDry() {
        small();
        for (int i = 0; i < 5; i++) {
            pm.allocate("small", dev("d" + i));
        }
        // Another node removes d2's binding directly in the shared store.
        Lease d2 = store.findByDevice("small", dev("d2")).orElseThrow();
        assertTrue(store.remove("small", dev("d2"), d2.sequence()));
        assertEquals(ip("10.9.0.4"), pm.allocate("small", dev("new")).address());
    }

    // ------------------------------------------------------------ confirm / renew / release

    @Test
    void confirmBindsForTheFullLeaseTime() {
        small();
        Lease locked = pm.allocate("small", dev("d1"));
        clock.advance(Duration.ofSeconds(3));
        Lease bound = pm.confirm("small", dev("d1"));
        assertEquals(LeaseState.BOUND, bound.state());
        assertEquals(locked.sequence() + 1, bound.sequence());
        assertEquals(clock.instant().plusSeconds(3600), bound.expiresAt());
        assertEquals(bound, pm.lease("small", dev("d1")).orElseThrow());
        assertEquals(bound, pm.confirm("small", dev("d1")), "a retransmitted confirm changes nothing");
    }

    @Test
    void confirmOrRenewWithoutLeaseIsUnknownLease() {
        small();
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class, () -> pm.confirm("small", dev("x"))).reason());
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class, () -> pm.renew("small", dev("x"))).reason());
        pm.allocate("small", dev("d1"));
        pm.release("small", dev("d1"));
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class, () -> pm.renew("small", dev("d1"))).reason());
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class, () -> pm.confirm("small", dev("d1"))).reason());
    }

    @Test
    void renewalWritesOnlyBelowTheThreshold() {
        small();
        pm.allocate("small", dev("d1"));
        Lease bound = pm.confirm("small", dev("d1"));
        int writes = store.writes.get();

        clock.advance(Duration.ofMinutes(10)); // 50 of 60 minutes left: above the threshold
        Lease cached = pm.renew("small", dev("d1"));
        assertEquals(bound, cached, "the device is told the stored expiry");
        clock.advance(Duration.ofMinutes(19)); // 31 minutes left
        assertEquals(bound, pm.renew("small", dev("d1")));
        assertEquals(writes, store.writes.get(), "no store write above the threshold");

        clock.advance(Duration.ofMinutes(2)); // 29 minutes left: below half
        Lease renewed = pm.renew("small", dev("d1"));
        assertEquals(writes + 1, store.writes.get());
        assertEquals(clock.instant().plusSeconds(3600), renewed.expiresAt());
        assertEquals(bound.sequence() + 1, renewed.sequence());
        assertEquals(renewed, pm.lease("small", dev("d1")).orElseThrow());
    }

    @Test
    void thresholdOneWritesEveryRenewal() {
        pm = new PoolManager(store, "node-1", clock, PoolSettings.of(LOCK, 1.0), null);
        small();
        pm.allocate("small", dev("d1"));
        pm.confirm("small", dev("d1"));
        int writes = store.writes.get();
        pm.renew("small", dev("d1"));
        pm.renew("small", dev("d1"));
        assertEquals(writes + 2, store.writes.get());
    }

    @Test
    void renewOfALockedLeaseBindsIt() {
        small();
        pm.allocate("small", dev("d1"));
        assertEquals(LeaseState.BOUND, pm.renew("small", dev("d1")).state());
    }

    @Test
    void expiredBoundLeaseIsRevivedByRenewal() {
        small();
        pm.allocate("small", dev("d1"));
        pm.confirm("small", dev("d1"));
        clock.advance(Duration.ofHours(2));
        Lease l = pm.renew("small", dev("d1"));
        assertEquals(clock.instant().plusSeconds(3600), l.expiresAt());
    }

    @Test
    void releaseOfUnknownIsFalseAndTwiceIsHarmless() {
        small();
        assertFalse(pm.release("small", dev("nobody")));
        pm.allocate("small", dev("d1"));
        assertTrue(pm.release("small", dev("d1")));
        int writes = store.writes.get();
        assertTrue(pm.release("small", dev("d1")));
        assertEquals(writes, store.writes.get());
        assertEquals(0, pm.used("small"), "a released lease is not in use");
        assertEquals(1, pm.leases("small").size(), "but stays stored for affinity");
    }

    // ------------------------------------------------------------ pools

    @Test
    void overlappingOrDuplicatePoolIsRejectedWithAClearMessage() {
        pm.createPool(Pool.of("a", "10.64.0.0/16", 3600));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pm.createPool(Pool.of("b", "10.64.128.0/24", 3600)));
        assertEquals("pool b: prefix 10.64.128.0/24 overlaps pool a (10.64.0.0/16)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pm.createPool(Pool.of("c", "10.0.0.0/8", 3600)),
                "a larger prefix around an existing one overlaps too");
        e = assertThrows(IllegalArgumentException.class, () -> pm.createPool(Pool.of("a", "10.65.0.0/16", 3600)));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        pm.createPool(Pool.of("v6", "fd00:64::/64", 3600));
        pm.createPool(Pool.of("next", "10.65.0.0/16", 3600));
        assertEquals(List.of("a", "next", "v6"), pm.pools().stream().map(Pool::name).toList());
    }

    @Test
    void deletePoolRemovesItsLeases() {
        small();
        pm.allocate("small", dev("d1"));
        assertTrue(pm.deletePool("small"));
        assertFalse(pm.deletePool("small"));
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class, () -> pm.allocate("small", dev("d1"))).reason());
        small();
        assertEquals(ip("10.9.0.2"), pm.allocate("small", dev("d9")).address(), "a recreated pool starts empty");
    }

    @Test
    void ipv6PoolAllocates() {
        pm.createPool(Pool.of("v6", "fd00:64::/64", 3600));
        assertEquals(ip("fd00:64::2"), pm.allocate("v6", dev("d1")).address());
        assertEquals(ip("fd00:64::3"), pm.allocate("v6", dev("d2")).address());
    }

    // ------------------------------------------------------------ failures

    @Test
    void storeFailureIsStoreUnavailableAndLosesNoAddress() {
        small();
        store.down = true;
        for (Callable<?> c : List.<Callable<?>>of(
                () -> pm.allocate("small", dev("d1")), () -> pm.confirm("small", dev("d1")),
                () -> pm.renew("small", dev("d1")), () -> pm.release("small", dev("d1")),
                () -> pm.pools(), () -> pm.leases("small"), () -> pm.used("small"),
                () -> pm.createPool(Pool.of("x", "10.99.0.0/24", 3600)), () -> pm.deletePool("small"))) {
            DtmException e = assertThrows(DtmException.class, c::call);
            assertEquals(Reason.STORE_UNAVAILABLE, e.reason());
            assertTrue(pm.storeDown(), "the outage is noted once, then logged at DEBUG");
        }
        store.down = false;
        assertEquals(ip("10.9.0.2"), pm.allocate("small", dev("d1")).address());
        assertFalse(pm.storeDown(), "the first answer ends the outage");
    }

    @Test
    void storeFailureDuringBindGivesTheAddressBack() {
        small();
        PoolManager failing = new PoolManager(new CountingStore(derby) {
            @Override
            public net.dtm.spi.store.BindResult tryBind(Lease proposed) {
                throw new net.dtm.spi.store.StoreUnavailableException("test: lost during bind", null);
            }
        }, "node-2", clock, PoolSettings.of(LOCK, 0.5), null);
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class, () -> failing.allocate("small", dev("d1"))).reason());
        assertEquals(5, failing.knownFree("small"));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolManager(store, "n", clock, PoolSettings.of(LOCK, 1.5), null));
        assertThrows(IllegalArgumentException.class, () -> new PoolManager(store, "n", clock, PoolSettings.of(Duration.ZERO, 0.5), null));
        assertThrows(IllegalArgumentException.class, () -> new PoolManager(store, " ", clock, PoolSettings.of(LOCK, 0.5), null));
        assertThrows(IllegalArgumentException.class, () -> new PoolManager(store, "n", clock, new PoolSettings(LOCK, 0.5, Duration.ofSeconds(-1), new int[0]), null));
    }

    // ------------------------------------------------------------ concurrency and restart

    @Test
    void concurrentAllocationsNeverShareAnAddress() throws Exception {
        pm.createPool(Pool.of("big", "10.128.0.0/20", 3600));
        // Two nodes over the same store: their indexes collide, the store's lock decides.
        PoolManager other = new PoolManager(store, "node-2", clock, PoolSettings.of(LOCK, 0.5), null);
        int threads = 8;
        int perThread = 500;
        Map<DeviceId, InetAddress> given = new ConcurrentHashMap<>();
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                PoolManager node = t % 2 == 0 ? pm : other;
                futures.add(exec.submit(() -> {
                    go.await();
                    for (int k = 0; k < perThread; k++) {
                        // Neighbouring threads share half their devices: same-device races too.
                        DeviceId d = dev("dev-" + ((thread / 2) * perThread + k) + (k % 2 == 0 ? "" : "-" + thread));
                        Lease l = node.allocate("big", d);
                        InetAddress previous = given.putIfAbsent(d, l.address());
                        if (previous != null) {
                            assertEquals(previous, l.address(), "sticky for " + d);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            exec.shutdownNow();
        }
        List<Lease> leases = pm.leases("big");
        assertEquals(given.size(), leases.size());
        Set<InetAddress> addresses = new HashSet<>();
        for (Lease l : leases) {
            assertTrue(addresses.add(l.address()), "shared address " + l.address());
            assertEquals(given.get(l.device()), l.address());
        }
        assertTrue(given.size() > 2000, "enough distinct devices: " + given.size());
    }

    @Test
    void restartKeepsEveryLease() {
        pm.createPool(Pool.of("p", "10.70.0.0/24", 3600));
        Map<DeviceId, Lease> before = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            pm.allocate("p", dev("d" + i));
            before.put(dev("d" + i), i % 3 == 0 ? pm.lease("p", dev("d" + i)).orElseThrow() : pm.confirm("p", dev("d" + i)));
        }
        pm.release("p", dev("d7"));
        Lease d7 = pm.lease("p", dev("d7")).orElseThrow();
        derby.close();

        derby = new DerbyStore(dir.resolve("db"));
        store = new CountingStore(derby);
        PoolManager restarted = new PoolManager(store, "node-1", clock, PoolSettings.of(LOCK, 0.5), null);
        assertEquals(60, restarted.leases("p").size());
        for (int i = 0; i < 60; i++) {
            DeviceId d = dev("d" + i);
            Lease expected = i == 7 ? d7 : before.get(d);
            assertEquals(expected, restarted.lease("p", d).orElseThrow());
            assertEquals(expected.address(), restarted.allocate("p", d).address(), "sticky after restart");
        }
        Lease fresh = restarted.allocate("p", dev("new"));
        assertEquals(ip("10.70.0.62"), fresh.address(), "a new device gets a free address, not a held one");
        assertNotEquals(0, restarted.knownFree("p"));
    }
}

package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.PoolWatch;
import net.dtm.api.fakes.SettableClock;

/** The pool manager on a cluster node: node id, leader-gated sweeps, pool watch, spreading, degraded renewals. */
class PoolClusterTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final PoolSettings SETTINGS = new PoolSettings(LOCK, 0.5, Duration.ofSeconds(600), new int[0]);

    private final TestCluster cluster = new TestCluster("zk-node-1", "zookeeper");

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        cluster.clock = clock;
        return new PoolManager(store, "", clock, SETTINGS, cluster);
    }

    private PoolManager otherNode(String id) {
        TestCluster other = new TestCluster(id, "zookeeper");
        other.clock = clock;
        return new PoolManager(derby, null, clock, SETTINGS, other);
    }

    // ---------------------------------------------------------------- node id and leadership

    @Test
    void nodeIdComesFromTheClusterWhenNoneIsConfigured() {
        assertEquals("zk-node-1", pm.nodeId());
        pm.createPool(Pool.of("p", "10.1.0.0/24", 3600));
        assertEquals("zk-node-1", pm.allocate("p", dev("d1")).nodeId());
        assertEquals("own", new PoolManager(store, " own ", clock, SETTINGS, cluster).nodeId());
        assertThrows(NullPointerException.class, () -> new PoolManager(store, null, clock, SETTINGS, null));
        assertThrows(IllegalArgumentException.class, () -> new PoolManager(store, " ", clock, SETTINGS, null));
    }

    /** Fills a pool, releases everything, lets the quarantine pass. @return the bindings now reclaimable */
    private int fillReleaseAndAge(PoolManager m, String pool, String prefix) {
        m.createPool(Pool.of(pool, prefix, 3600));
        int n = 0;
        while (true) {
            try {
                Lease l = m.allocate(pool, dev(pool + "-" + n));
                m.release(pool, l.device());
                n++;
            } catch (DtmException e) {
                assertEquals(Reason.POOL_EXHAUSTED, e.reason());
                break;
            }
        }
        clock.advance(Duration.ofSeconds(601));
        return n;
    }

    @Test
    void housekeepingRunsOnlyOnTheLeader() {
        int n = fillReleaseAndAge(pm, "p", "10.2.0.0/27");
        cluster.leader = false;
        assertEquals(-1, pm.sweepIfLeader(), "not the leader: nothing done");
        assertEquals(n, derby.leases("p").size());
        cluster.leader = true;
        assertEquals(n, pm.sweepIfLeader());
        assertEquals(0, derby.leases("p").size());
    }

    @Test
    void reclaimListenersHearOfEveryReclaimedBindingAndAThrowingOneHarmsNoOne() {
        java.util.List<Lease> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        pm.addReclaimListener(l -> {
            throw new IllegalStateException("broken plugin");
        });
        pm.addReclaimListener(heard::add);
        int n = fillReleaseAndAge(pm, "p", "10.2.2.0/28");
        assertEquals(n, pm.sweepIfLeader());
        assertEquals(n, heard.size());
        assertEquals(n, heard.stream().map(Lease::device).distinct().count());
    }

    @Test
    void theLeaderSweepsPoolsItNeverServed() {
        PoolManager worker = otherNode("zk-node-2");
        int n = fillReleaseAndAge(worker, "elsewhere", "10.2.1.0/27");
        assertEquals(-1L, pm.knownFree("elsewhere"), "the leader has not loaded the pool");
        assertEquals(n, pm.sweepIfLeader(), "the leader reclaims in every pool of the store");
        assertEquals(0, derby.leases("elsewhere").size());
    }

    @Test
    void twoSweepsAtOnceOnTwoNodesReclaimEachBindingOnceAndNoAddressGoesToTwoDevices() throws Exception {
        int n = fillReleaseAndAge(pm, "p", "10.3.0.0/26");
        PoolManager other = otherNode("zk-node-2");
        other.loadAll();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> sweeps = new ArrayList<>();
            for (PoolManager m : List.of(pm, other)) {
                sweeps.add(pool.submit(() -> {
                    go.await();
                    return m.sweep();
                }));
            }
            go.countDown();
            int a = sweeps.get(0).get();
            int b = sweeps.get(1).get();
            assertEquals(n, a + b, "each binding reclaimed exactly once (node 1: " + a + ", node 2: " + b + ")");
            assertEquals(0, derby.leases("p").size());

            // both nodes now hand out the freed addresses at once: the store keeps them apart
            List<Callable<List<Lease>>> fills = new ArrayList<>();
            for (PoolManager m : List.of(pm, other)) {
                String who = m.nodeId();
                fills.add(() -> {
                    List<Lease> got = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        try {
                            got.add(m.allocate("p", dev("new-" + who + "-" + i)));
                        } catch (DtmException e) {
                            assertEquals(Reason.POOL_EXHAUSTED, e.reason());
                        }
                    }
                    return got;
                });
            }
            Set<InetAddress> addresses = new HashSet<>();
            int total = 0;
            for (Future<List<Lease>> f : pool.invokeAll(fills)) {
                for (Lease l : f.get()) {
                    total++;
                    assertTrue(addresses.add(l.address()), "address handed to two devices: " + l.address());
                }
            }
            assertEquals(n, total, "every freed address used once");
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- pool watch

    /** A counting store that also tells about pool changes, as a shared store does. */
    static final class WatchingStore extends CountingStore implements PoolWatch {
        final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

        WatchingStore(net.dtm.spi.store.LeaseStore delegate) {
            super(delegate);
        }

        @Override public void addPoolListener(Consumer<String> l) { listeners.add(l); }
        @Override public void removePoolListener(Consumer<String> l) { listeners.remove(l); }

        void fire(String pool) {
            listeners.forEach(l -> l.accept(pool));
        }
    }

    @Test
    void aPoolChangedOnAnotherNodeIsReloadedAtOnceWhenTheStoreTellsOfIt() {
        WatchingStore watching = new WatchingStore(derby);
        PoolManager m = new PoolManager(watching, null, clock, SETTINGS, cluster);
        assertEquals(1, watching.listeners.size());
        m.createPool(Pool.of("w", "10.4.0.0/29", 3600));
        assertEquals(3600, m.pool("w").orElseThrow().leaseSeconds());
        Lease first = m.allocate("w", dev("a"));
        assertEquals(4, m.knownFree("w"));

        // another node changes the pool: shorter leases, the rest of the pool excluded
        PoolManager other = otherNode("zk-node-2");
        List<net.dtm.api.AddressRange> others = new ArrayList<>();
        for (int k = 2; k <= 6; k++) {
            if (!first.address().equals(ip("10.4.0." + k))) {
                others.add(net.dtm.api.AddressRange.parse("10.4.0." + k + "-10.4.0." + k));
            }
        }
        Pool changed = Pool.of("w", "10.4.0.0/29", 60).withExcluded(others);
        other.updatePool(changed);
        assertEquals(3600, m.pool("w").orElseThrow().leaseSeconds(), "not told yet: the cached list (the clock stands still)");
        watching.fire("w");
        assertEquals(60, m.pool("w").orElseThrow().leaseSeconds(), "told: reloaded at once");
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> m.allocate("w", dev("b"))).reason(),
                "the free index was rebuilt with the new exclusions: only a's address is left");
        assertEquals(1, m.counters().get("pool.changes"));

        other.deletePool("w");
        watching.fire("w");
        assertTrue(m.pool("w").isEmpty());
        m.close();
        assertEquals(0, watching.listeners.size(), "stopped listening");
    }

    // ---------------------------------------------------------------- spreading

    /** Two nodes allocate concurrently from one pool; returns the ADDRESS_TAKEN count of both. */
    private long allocateConcurrently(PoolManager a, PoolManager b, String pool, int perNode) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Set<InetAddress>>> runs = new ArrayList<>();
            for (PoolManager m : List.of(a, b)) {
                runs.add(ex.submit(() -> {
                    go.await();
                    Set<InetAddress> got = new HashSet<>();
                    for (int i = 0; i < perNode; i++) {
                        got.add(m.allocate(pool, dev(pool + "-" + m.nodeId() + "-" + i)).address());
                    }
                    return got;
                }));
            }
            go.countDown();
            Set<InetAddress> all = new HashSet<>(runs.get(0).get());
            for (InetAddress x : runs.get(1).get()) {
                assertTrue(all.add(x), "address handed to two devices: " + x);
            }
            assertEquals(2 * perNode, all.size());
            return a.addressTaken() + b.addressTaken();
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void nodesSharingAPoolStartFromDifferentPointsSoTheyRarelyCollide() throws Exception {
        int perNode = 400;
        pm.createPool(Pool.of("spread", "10.5.0.0/20", 3600));
        PoolManager b = otherNode("zk-node-2");
        long spread = allocateConcurrently(pm, b, "spread", perNode);

        // the same with two standalone-style managers, both starting at the lowest free address
        PoolManager a0 = new PoolManager(derby, "plain-1", clock, SETTINGS, null);
        PoolManager b0 = new PoolManager(derby, "plain-2", clock, SETTINGS, null);
        a0.createPool(Pool.of("lowest", "10.6.0.0/20", 3600));
        long lowest = allocateConcurrently(a0, b0, "lowest", perNode);
        System.out.printf("ADDRESS_TAKEN retries for %d concurrent allocations by two nodes: spread %d, lowest-first %d%n",
                2 * perNode, spread, lowest);
        assertTrue(spread <= 2 * perNode / 100, "at most 1 % of allocations collide when spread, got " + spread);
        assertTrue(PoolStates.startOffset(Pool.of("spread", "10.5.0.0/20", 3600), "zk-node-1")
                != PoolStates.startOffset(Pool.of("spread", "10.5.0.0/20", 3600), "zk-node-2"));
    }

    // ---------------------------------------------------------------- degraded renewals

    @Test
    void storeDownRenewsAKnownActiveBoundLeaseUnchangedOnly() {
        pm.createPool(Pool.of("d", "10.7.0.0/24", 3600));
        Lease locked = pm.allocate("d", dev("bound"));
        Lease bound = pm.confirm("d", dev("bound"), locked.address(), locked.sequence());
        Lease offered = pm.allocate("d", dev("offered"));
        Lease gone = pm.confirm("d", dev("gone"), pm.allocate("d", dev("gone")).address(), 1);
        pm.release("d", dev("gone"));
        int writes = store.writes.get();

        store.down = true;
        // Not extended, and cut to the outage's start + quarantine (600 s): a release or revoke on
        // another node meanwhile lets the leader reclaim the address one quarantine later.
        java.time.Instant outage = clock.instant();
        Lease capped = bound.with(LeaseState.BOUND, bound.sequence(), outage.plusSeconds(600), bound.nodeId());
        assertEquals(capped, pm.renew("d", dev("bound"), bound.address(), bound.sequence()), "not extended, capped");
        clock.advance(Duration.ofSeconds(100));
        assertEquals(capped, pm.confirm("d", dev("bound"), bound.address(), bound.sequence()), "a retransmitted confirm too");
        assertEquals(2, pm.renewedDegraded());
        assertEquals(2, pm.counters().get("renewed.degraded"));
        assertEquals(3600, pm.pool("d").orElseThrow().leaseSeconds(), "the pool's definition from memory");

        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.renew("d", dev("bound"), bound.address(), bound.sequence() + 5)).reason(), "wrong quote");
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.confirm("d", dev("offered"), offered.address(), offered.sequence())).reason(), "LOCKED");
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.renew("d", dev("gone"), gone.address(), gone.sequence())).reason(), "released");
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.renew("d", dev("stranger"), bound.address(), 1)).reason(), "unknown");
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.allocate("d", dev("new"))).reason(), "no new bindings");

        clock.advance(Duration.ofSeconds(500));
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.renew("d", dev("bound"), bound.address(), bound.sequence())).reason(),
                "one quarantine into the outage: no more answers from memory");
        assertEquals(2, pm.renewedDegraded());
        store.down = false;
        assertEquals(writes, store.writes.get(), "nothing written while down");
        assertEquals(bound.expiresAt(), pm.lease("d", dev("bound")).orElseThrow().expiresAt(), "the store's lease is untouched");
        assertEquals(LeaseState.BOUND, pm.lease("d", dev("bound")).orElseThrow().state());
    }

    @Test
    void storeDownNeverAnswersBeyondTheStoredExpiry() {
        pm.createPool(Pool.of("short", "10.8.0.0/24", 60));
        Lease locked = pm.allocate("short", dev("car"));
        Lease bound = pm.confirm("short", dev("car"), locked.address(), locked.sequence());
        store.down = true;
        assertEquals(bound, pm.renew("short", dev("car"), bound.address(), bound.sequence()),
                "a 60 s lease ends before the quarantine cap: answered unchanged");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(Reason.STORE_UNAVAILABLE, assertThrows(DtmException.class,
                () -> pm.renew("short", dev("car"), bound.address(), bound.sequence())).reason(), "expired: refused");
    }
}

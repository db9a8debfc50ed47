package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.LeaseStore;

/**
 * The suite every {@link LeaseStore} implementation must pass. Extend it in the implementation's
 * test sources and implement the two factory methods.
 * <p>
 * The contract is stated by the {@link LeaseStore} javadoc: atomic {@code tryBind} (a device holds
 * at most one binding per pool, an address at most one device, also under concurrent calls),
 * compare-and-set on the sequence for {@code update} and {@code remove}, pools, ordering, and
 * durability: what a method changed is still there after {@link #reopen}.
 */
public abstract class LeaseStoreContract extends StoreContract<LeaseStore> {

    /** An instant with millisecond precision, so any store can keep it exactly. */
    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123Z");

    protected static InetAddress ip(String literal) {
        return Cidr.parseLiteral(literal);
    }

    protected static DeviceId dev(String id) {
        return DeviceId.of(id);
    }

    private Pool v4Pool(String name) {
        Pool p = Pool.of(name, "10.64.0.0/16", 3600);
        store.createPool(p);
        return p;
    }

    private Pool v6Pool(String name) {
        Pool p = Pool.of(name, "fd00:64::/64", 3600);
        store.createPool(p);
        return p;
    }

    // ---------------------------------------------------------------- pools

    @Test
    void emptyStoreHasNoPools() {
        assertEquals(List.of(), store.pools());
        assertEquals(Optional.empty(), store.pool("demo"));
    }

    @Test
    void createdPoolIsListedAndFound() {
        Pool a = v4Pool("a");
        Pool b = v6Pool("b");
        assertEquals(Optional.of(a), store.pool("a"));
        assertEquals(Optional.of(b), store.pool("b"));
        assertEquals(Set.of(a, b), new HashSet<>(store.pools()));
    }

    @Test
    void duplicatePoolNameIsRefusedAndChangesNothing() {
        Pool a = v4Pool("a");
        assertThrows(IllegalArgumentException.class, () -> store.createPool(Pool.of("a", "10.65.0.0/16", 60)));
        assertEquals(Optional.of(a), store.pool("a"));
        assertEquals(1, store.pools().size());
    }

    @Test
    void deletePoolRemovesItAndItsBindings() {
        v4Pool("a");
        v4Pool("other");
        store.tryBind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        store.tryBind("other", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertTrue(store.deletePool("a"));
        assertEquals(Optional.empty(), store.pool("a"));
        assertEquals(List.of(), store.leases("a"));
        assertEquals(Optional.empty(), store.findByDevice("a", dev("d1")));
        assertFalse(store.deletePool("a"), "second delete reports absence");
        assertEquals(1, store.leases("other").size(), "another pool's bindings survive");
    }

    @Test
    void deleteUnknownPoolReturnsFalse() {
        assertFalse(store.deletePool("nope"));
    }

    @Test
    void poolCanBeRecreatedEmptyAfterDelete() {
        v4Pool("a");
        store.tryBind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        store.deletePool("a");
        v4Pool("a");
        assertEquals(List.of(), store.leases("a"));
        assertEquals(Outcome.BOUND, store.tryBind("a", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    // ---------------------------------------------------------------- tryBind

    @Test
    void tryBindCreatesLockedBindingWithSequenceOne() {
        v4Pool("p");
        BindResult r = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "node-a");
        assertEquals(Outcome.BOUND, r.outcome());
        Lease expected = new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "node-a");
        assertEquals(expected, r.lease());
        assertEquals(Optional.of(expected), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.of(expected), store.findByAddress("p", ip("10.64.0.2")));
    }

    @Test
    void addressHeldByAnotherDeviceIsTaken() {
        v4Pool("p");
        Lease first = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = store.tryBind("p", dev("d2"), ip("10.64.0.2"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.ADDRESS_TAKEN, r.outcome());
        assertEquals(Optional.of(first), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d2")), "loser got nothing");
    }

    @Test
    void deviceAlreadyBoundGetsItsExistingBindingBack() {
        v4Pool("p");
        Lease first = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = store.tryBind("p", dev("d1"), ip("10.64.0.3"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.3")), "second address not taken");
        assertEquals(List.of(first), store.leases("p"));
    }

    @Test
    void sameDeviceSameAddressAgainIsAlreadyBound() {
        v4Pool("p");
        Lease first = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
    }

    @Test
    void releasedBindingStillOccupiesItsAddress() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertEquals(Outcome.ADDRESS_TAKEN, store.tryBind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void sameAddressInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, store.tryBind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, store.tryBind("p2", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(dev("d1"), store.findByAddress("p1", ip("10.64.0.2")).orElseThrow().device());
        assertEquals(dev("d2"), store.findByAddress("p2", ip("10.64.0.2")).orElseThrow().device());
    }

    @Test
    void sameDeviceInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, store.tryBind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, store.tryBind("p2", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome());
        assertEquals(ip("10.64.0.2"), store.findByDevice("p1", dev("d1")).orElseThrow().address());
        assertEquals(ip("10.64.0.3"), store.findByDevice("p2", dev("d1")).orElseThrow().address());
    }

    @Test
    void ipv6BindingsRoundTrip() {
        v6Pool("v6");
        InetAddress a = ip("fd00:64::2");
        InetAddress b = ip("fd00:64::ffff:ffff:ffff:fffe");
        Lease la = store.tryBind("v6", dev("d1"), a, T0, "n1").lease();
        Lease lb = store.tryBind("v6", dev("d2"), b, T0, "n1").lease();
        assertEquals(Optional.of(la), store.findByAddress("v6", a));
        assertEquals(Optional.of(lb), store.findByDevice("v6", dev("d2")));
        assertEquals(Outcome.ADDRESS_TAKEN, store.tryBind("v6", dev("d3"), ip("FD00:64:0:0:0:0:0:2"), T0, "n1").outcome(),
                "another spelling of the same IPv6 address is the same address");
        assertEquals(List.of(la, lb), store.leases("v6"));
    }

    @Test
    void findOnEmptyOrUnknownReturnsEmpty() {
        v4Pool("p");
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Optional.empty(), store.findByDevice("nope", dev("d1")));
        assertEquals(List.of(), store.leases("p"));
        assertEquals(List.of(), store.leases("nope"));
    }

    @Test
    void leasesAreOrderedByAddressNotByTextOrInsertion() {
        v4Pool("p");
        // Textual order would put 10.64.0.10 before 10.64.0.9 and 10.64.1.0 before 10.64.0.200.
        String[] inserted = {"10.64.1.0", "10.64.0.10", "10.64.0.200", "10.64.0.9", "10.64.0.2"};
        for (int i = 0; i < inserted.length; i++) {
            store.tryBind("p", dev("d" + i), ip(inserted[i]), T0, "n1");
        }
        List<String> got = store.leases("p").stream().map(l -> l.address().getHostAddress()).toList();
        assertEquals(List.of("10.64.0.2", "10.64.0.9", "10.64.0.10", "10.64.0.200", "10.64.1.0"), got);
    }

    @Test
    void ipv6LeasesAreOrderedByAddress() {
        v6Pool("v6");
        String[] inserted = {"fd00:64::1:0", "fd00:64::a", "fd00:64::9", "fd00:64::ff"};
        for (int i = 0; i < inserted.length; i++) {
            store.tryBind("v6", dev("d" + i), ip(inserted[i]), T0, "n1");
        }
        List<InetAddress> got = store.leases("v6").stream().map(Lease::address).toList();
        assertEquals(List.of(ip("fd00:64::9"), ip("fd00:64::a"), ip("fd00:64::ff"), ip("fd00:64::1:0")), got);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void manyThreadsSameAddressExactlyOneWins() throws Exception {
        v4Pool("p");
        int threads = 16;
        List<BindResult> results = race(threads,
                i -> store.tryBind("p", dev("racer-" + i), ip("10.64.0.2"), T0, "n" + i));
        long won = results.stream().filter(r -> r.outcome() == Outcome.BOUND).count();
        long taken = results.stream().filter(r -> r.outcome() == Outcome.ADDRESS_TAKEN).count();
        assertEquals(1, won, "exactly one winner: " + results);
        assertEquals(threads - 1, taken);
        Lease winner = results.stream().filter(r -> r.outcome() == Outcome.BOUND).findFirst().orElseThrow().lease();
        assertEquals(List.of(winner), store.leases("p"));
    }

    @Test
    void manyThreadsSameDeviceExactlyOneWins() throws Exception {
        v4Pool("p");
        int threads = 16;
        List<BindResult> results = race(threads,
                i -> store.tryBind("p", dev("one"), ip("10.64.0." + (i + 2)), T0, "n" + i));
        List<BindResult> won = results.stream().filter(r -> r.outcome() == Outcome.BOUND).toList();
        assertEquals(1, won.size(), "exactly one winner: " + results);
        Lease winner = won.get(0).lease();
        for (BindResult r : results) {
            if (r.outcome() != Outcome.BOUND) {
                assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
                assertEquals(winner, r.lease(), "losers see the winner's binding");
            }
        }
        assertEquals(List.of(winner), store.leases("p"));
    }

    @Test
    void concurrentDistinctBindsAllSucceedAndNeverShare() throws Exception {
        v4Pool("p");
        int threads = 8;
        int perThread = 25;
        List<List<BindResult>> all = race(threads, t -> {
            List<BindResult> mine = new ArrayList<>();
            for (int k = 0; k < perThread; k++) {
                // Every thread walks the same addresses: each address goes to exactly one device.
                mine.add(store.tryBind("p", dev("t" + t + "-" + k), ip("10.64.1." + k), T0, "n" + t));
            }
            return mine;
        });
        long bound = all.stream().flatMap(List::stream).filter(r -> r.outcome() == Outcome.BOUND).count();
        assertEquals(perThread, bound);
        List<Lease> leases = store.leases("p");
        assertEquals(perThread, leases.size());
        assertEquals(perThread, leases.stream().map(Lease::address).distinct().count());
    }

    /** Runs {@code task} on {@code n} threads released at the same moment. */
    protected static <T> List<T> race(int n, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> c = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(index);
                };
                futures.add(pool.submit(c));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "threads did not start");
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A task that knows its thread index. */
    @FunctionalInterface
    protected interface IndexedTask<T> {
        T run(int index) throws Exception;
    }

    // ---------------------------------------------------------------- update / remove (CAS)

    @Test
    void updateWithCurrentSequenceReplacesBinding() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease bound = l.with(LeaseState.BOUND, 2, T0.plusSeconds(3600), "n2");
        assertEquals(Optional.of(bound), store.update(bound, 1));
        assertEquals(Optional.of(bound), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.of(bound), store.findByAddress("p", ip("10.64.0.2")));
        Lease released = bound.with(LeaseState.RELEASED, 7, T0.plusSeconds(10), "n1");
        assertEquals(Optional.of(released), store.update(released, 2), "sequence may jump");
        assertEquals(Optional.of(released), store.findByDevice("p", dev("d1")));
    }

    @Test
    void updateWithStaleSequenceIsRefusedAndChangesNothing() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease v2 = store.update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(60), "n1"), 1).orElseThrow();
        assertEquals(Optional.empty(), store.update(l.with(LeaseState.RELEASED, 3, T0, "late"), 1));
        assertEquals(Optional.empty(), store.update(l.with(LeaseState.RELEASED, 9, T0, "future"), 5));
        assertEquals(Optional.of(v2), store.findByDevice("p", dev("d1")));
    }

    @Test
    void updateOfMissingBindingReturnsEmpty() {
        v4Pool("p");
        Lease ghost = new Lease("p", dev("ghost"), ip("10.64.0.9"), LeaseState.BOUND, 2, T0, "n1");
        assertEquals(Optional.empty(), store.update(ghost, 1));
        assertEquals(List.of(), store.leases("p"), "update never creates a binding");
    }

    @Test
    void updateCannotMoveBindingToAnotherAddress() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease moved = new Lease("p", dev("d1"), ip("10.64.0.3"), LeaseState.BOUND, 2, T0, "n1");
        try {
            Optional<Lease> r = store.update(moved, 1);
            assertEquals(Optional.empty(), r, "a move must be refused");
        } catch (IllegalArgumentException expected) {
            // refusing loudly is fine too
        }
        assertEquals(Optional.of(l), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.3")));
    }

    @Test
    void updateWithoutHigherSequenceIsRefused() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        try {
            assertEquals(Optional.empty(), store.update(l.with(LeaseState.BOUND, 1, T0, "n1"), 1));
        } catch (IllegalArgumentException expected) {
            // refusing loudly is fine too
        }
        assertEquals(Optional.of(l), store.findByDevice("p", dev("d1")));
    }

    @Test
    void concurrentUpdatesWithSameExpectedSequenceExactlyOneWins() throws Exception {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        int threads = 12;
        List<Optional<Lease>> results = race(threads,
                i -> store.update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(i), "n" + i), 1));
        List<Lease> won = results.stream().flatMap(Optional::stream).toList();
        assertEquals(1, won.size(), "exactly one compare-and-set wins: " + results);
        assertEquals(Optional.of(won.get(0)), store.findByDevice("p", dev("d1")));
    }

    @Test
    void removeWithCurrentSequenceFreesTheAddress() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertTrue(store.remove("p", dev("d1"), 2));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Outcome.BOUND, store.tryBind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, store.tryBind("p", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome(),
                "the device may bind again");
    }

    @Test
    void removeWithStaleSequenceIsRefusedAndChangesNothing() {
        v4Pool("p");
        Lease l = store.tryBind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease v2 = store.update(l.with(LeaseState.BOUND, 2, T0, "n1"), 1).orElseThrow();
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("p", dev("d1"), 3));
        assertEquals(Optional.of(v2), store.findByDevice("p", dev("d1")));
        assertEquals(Outcome.ADDRESS_TAKEN, store.tryBind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void removeOfMissingBindingReturnsFalse() {
        v4Pool("p");
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("nope", dev("d1"), 1));
    }

    // ---------------------------------------------------------------- durability

    @Test
    void everythingSurvivesReopen() throws Exception {
        Pool a = v4Pool("a");
        Pool b = v6Pool("b");
        Lease l1 = store.tryBind("a", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease l2 = store.update(store.tryBind("a", dev("d2"), ip("10.64.0.3"), T0, "n1").lease()
                .with(LeaseState.BOUND, 2, T0.plusSeconds(3600), "n2"), 1).orElseThrow();
        Lease l3 = store.tryBind("b", dev("d1"), ip("fd00:64::2"), T0, "n1").lease();
        Lease gone = store.tryBind("a", dev("d3"), ip("10.64.0.4"), T0, "n1").lease();
        assertTrue(store.remove("a", dev("d3"), gone.sequence()));

        LeaseStore reopened = reopenStore();
        assertEquals(Set.of(a, b), new HashSet<>(reopened.pools()));
        assertEquals(List.of(l1, l2), reopened.leases("a"));
        assertEquals(List.of(l3), reopened.leases("b"));
        assertEquals(Optional.of(l2), reopened.findByDevice("a", dev("d2")));
        assertEquals(Optional.empty(), reopened.findByDevice("a", dev("d3")));
        // The lock is still held after restart.
        assertEquals(Outcome.ADDRESS_TAKEN, reopened.tryBind("a", dev("d9"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Optional.empty(), reopened.update(l2.with(LeaseState.RELEASED, 3, T0, "n1"), 1));
    }

    @Test
    void deletedPoolStaysDeletedAfterReopen() throws Exception {
        v4Pool("a");
        store.tryBind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertTrue(store.deletePool("a"));
        LeaseStore reopened = reopenStore();
        assertEquals(List.of(), reopened.pools());
        assertEquals(List.of(), reopened.leases("a"));
    }
}

package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;

/**
 * The suite every {@link LeaseStore} implementation must pass. Extend it in the implementation's
 * test sources and implement the two factory methods.
 * <p>
 * The contract is stated by the {@link LeaseStore} javadoc (store SPI 2.0): atomic {@code tryBind}
 * that stores the proposed lease exactly (a device holds at most one binding per pool, an address
 * at most one device, also under concurrent calls), compare-and-set on the sequence for
 * {@code update} and {@code remove} (reservation flag included), pools with every field (IPv4,
 * IPv6, prefix delegation, excluded ranges, device patterns, tunnel types) and {@code updatePool},
 * address order for listing and paging, {@code reclaimable}, {@code forEachAddress},
 * {@code countLeases} as its javadoc defines the categories, and durability: what a method changed
 * is still there after {@link #reopen}.
 * <p>
 * Instants carry millisecond precision so every store can keep them exactly.
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

    /** A fresh offer as the pool manager proposes it: LOCKED, sequence 1, not reserved. */
    protected static Lease locked(String pool, DeviceId device, InetAddress address, Instant expiresAt, String nodeId) {
        return new Lease(pool, device, address, LeaseState.LOCKED, 1, expiresAt, nodeId);
    }

    /** {@code tryBind} of a fresh LOCKED offer (what most tests need). */
    protected BindResult bind(String pool, DeviceId device, InetAddress address, Instant expiresAt, String nodeId) {
        return store.tryBind(locked(pool, device, address, expiresAt, nodeId));
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
        bind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        bind("other", dev("d1"), ip("10.64.0.2"), T0, "n1");
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
        bind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        store.deletePool("a");
        v4Pool("a");
        assertEquals(List.of(), store.leases("a"));
        assertEquals(Outcome.BOUND, bind("a", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    // ---------------------------------------------------------------- tryBind

    @Test
    void tryBindCreatesLockedBindingWithSequenceOne() {
        v4Pool("p");
        BindResult r = bind("p", dev("d1"), ip("10.64.0.2"), T0, "node-a");
        assertEquals(Outcome.BOUND, r.outcome());
        Lease expected = new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "node-a");
        assertEquals(expected, r.lease());
        assertEquals(Optional.of(expected), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.of(expected), store.findByAddress("p", ip("10.64.0.2")));
    }

    @Test
    void addressHeldByAnotherDeviceIsTaken() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d2"), ip("10.64.0.2"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.ADDRESS_TAKEN, r.outcome());
        assertEquals(Optional.of(first), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d2")), "loser got nothing");
    }

    @Test
    void deviceAlreadyBoundGetsItsExistingBindingBack() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d1"), ip("10.64.0.3"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.3")), "second address not taken");
        assertEquals(List.of(first), store.leases("p"));
    }

    @Test
    void sameDeviceSameAddressAgainIsAlreadyBound() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
    }

    @Test
    void releasedBindingStillOccupiesItsAddress() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertEquals(Outcome.ADDRESS_TAKEN, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void sameAddressInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, bind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p2", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(dev("d1"), store.findByAddress("p1", ip("10.64.0.2")).orElseThrow().device());
        assertEquals(dev("d2"), store.findByAddress("p2", ip("10.64.0.2")).orElseThrow().device());
    }

    @Test
    void sameDeviceInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, bind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p2", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome());
        assertEquals(ip("10.64.0.2"), store.findByDevice("p1", dev("d1")).orElseThrow().address());
        assertEquals(ip("10.64.0.3"), store.findByDevice("p2", dev("d1")).orElseThrow().address());
    }

    @Test
    void ipv6BindingsRoundTrip() {
        v6Pool("v6");
        InetAddress a = ip("fd00:64::2");
        InetAddress b = ip("fd00:64::ffff:ffff:ffff:fffe");
        Lease la = bind("v6", dev("d1"), a, T0, "n1").lease();
        Lease lb = bind("v6", dev("d2"), b, T0, "n1").lease();
        assertEquals(Optional.of(la), store.findByAddress("v6", a));
        assertEquals(Optional.of(lb), store.findByDevice("v6", dev("d2")));
        assertEquals(Outcome.ADDRESS_TAKEN, bind("v6", dev("d3"), ip("FD00:64:0:0:0:0:0:2"), T0, "n1").outcome(),
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
            bind("p", dev("d" + i), ip(inserted[i]), T0, "n1");
        }
        List<String> got = store.leases("p").stream().map(l -> l.address().getHostAddress()).toList();
        assertEquals(List.of("10.64.0.2", "10.64.0.9", "10.64.0.10", "10.64.0.200", "10.64.1.0"), got);
    }

    @Test
    void ipv6LeasesAreOrderedByAddress() {
        v6Pool("v6");
        String[] inserted = {"fd00:64::1:0", "fd00:64::a", "fd00:64::9", "fd00:64::ff"};
        for (int i = 0; i < inserted.length; i++) {
            bind("v6", dev("d" + i), ip(inserted[i]), T0, "n1");
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
                i -> bind("p", dev("racer-" + i), ip("10.64.0.2"), T0, "n" + i));
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
        // Every racer proposes a different lease (address, state, sequence, expiry, node, reservation).
        List<BindResult> results = race(threads, i -> store.tryBind(new Lease("p", dev("one"), ip("10.64.0." + (i + 2)),
                LeaseState.values()[i % 3], 1 + i, T0.plusSeconds(i), "n" + i, i % 2 == 0)));
        List<BindResult> won = results.stream().filter(r -> r.outcome() == Outcome.BOUND).toList();
        assertEquals(1, won.size(), "exactly one winner: " + results);
        Lease winner = won.get(0).lease();
        int index = Integer.parseInt(winner.nodeId().substring(1));
        assertEquals(new Lease("p", dev("one"), ip("10.64.0." + (index + 2)), LeaseState.values()[index % 3], 1 + index,
                T0.plusSeconds(index), "n" + index, index % 2 == 0), winner, "the winner's proposal is stored exactly");
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
                mine.add(bind("p", dev("t" + t + "-" + k), ip("10.64.1." + k), T0, "n" + t));
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
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
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertTrue(store.remove("p", dev("d1"), 2));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Outcome.BOUND, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome(),
                "the device may bind again");
    }

    @Test
    void removeWithStaleSequenceIsRefusedAndChangesNothing() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease v2 = store.update(l.with(LeaseState.BOUND, 2, T0, "n1"), 1).orElseThrow();
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("p", dev("d1"), 3));
        assertEquals(Optional.of(v2), store.findByDevice("p", dev("d1")));
        assertEquals(Outcome.ADDRESS_TAKEN, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void removeOfMissingBindingReturnsFalse() {
        v4Pool("p");
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("nope", dev("d1"), 1));
    }

    // ---------------------------------------------------------------- pool definitions (SPI 2.0)

    /** An IPv4 pool with every optional field set; the lists deliberately unsorted. */
    protected static Pool fullV4Pool(String name) {
        return Pool.of(name, "10.64.0.0/16", 7200)
                .withExcluded(List.of(AddressRange.parse("10.64.255.0/24"), AddressRange.parse("10.64.0.10-10.64.0.20"),
                        AddressRange.parse("10.64.1.1")))
                .withDevicePatterns(List.of("train-??", "bus-*", "amb.*:x"))
                .withTunnelTypes(EnumSet.of(TunnelType.VXLAN, TunnelType.GRE));
    }

    /** An IPv6 pool of single addresses with an excluded range and one tunnel type. */
    protected static Pool fullV6Pool(String name) {
        return Pool.of(name, "fd00:64::/64", 3600)
                .withExcluded(List.of(AddressRange.parse("fd00:64::100-fd00:64::1ff")))
                .withTunnelTypes(Set.of(TunnelType.WIREGUARD));
    }

    /** An IPv6 prefix-delegation pool: /64s out of a /48. */
    protected static Pool pdPool(String name) {
        return Pool.of(name, "2001:db8::/48", 86400).withDelegatedLength(64)
                .withExcluded(List.of(AddressRange.parse("2001:db8:0:8000::/56"), AddressRange.parse("2001:db8:0:7fff::/64")))
                .withDevicePatterns(List.of("car-*"))
                .withTunnelTypes(EnumSet.allOf(TunnelType.class));
    }

    @Test
    void poolsRoundTripEveryField() {
        List<Pool> pools = List.of(fullV4Pool("v4"), fullV6Pool("v6"), pdPool("pd"), Pool.of("plain", "10.65.0.0/30", 60));
        for (Pool p : pools) {
            store.createPool(p);
        }
        for (Pool p : pools) {
            Pool got = store.pool(p.name()).orElseThrow();
            assertEquals(p, got, "pool " + p.name());
            assertEquals(p.delegatedLength(), got.delegatedLength());
            assertEquals(p.excluded(), got.excluded(), "excluded ranges in their order");
            assertEquals(p.devicePatterns(), got.devicePatterns(), "device patterns in their order");
            assertEquals(p.tunnelTypes(), got.tunnelTypes());
        }
        assertEquals(64, store.pool("pd").orElseThrow().delegatedLength());
        assertEquals(128, store.pool("v6").orElseThrow().delegatedLength());
        assertEquals(32, store.pool("plain").orElseThrow().delegatedLength());
    }

    @Test
    void poolsAreListedByName() {
        for (String name : List.of("m", "B", "a", "z-1", "A.2")) {
            store.createPool(Pool.of(name, "10.64.0.0/16", 3600));
        }
        List<String> names = store.pools().stream().map(Pool::name).toList();
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertEquals(5, names.size());
    }

    @Test
    void poolWithManyExcludedRangesAndPatternsFits() {
        List<AddressRange> excluded = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            excluded.add(AddressRange.parse("10.64." + (i / 200) + "." + (i % 200 + 2)));
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            patterns.add("fleet-" + i + "-vehicle-*-with-a-long-pattern-name-" + "x".repeat(10));
        }
        Pool big = Pool.of("big", "10.64.0.0/16", 3600).withExcluded(excluded).withDevicePatterns(patterns);
        store.createPool(big);
        assertEquals(Optional.of(big), store.pool("big"));
        assertEquals(List.of(big), store.pools());
    }

    @Test
    void recreatedPoolDoesNotInheritTheDeletedOnesFields() {
        store.createPool(fullV4Pool("a"));
        assertTrue(store.deletePool("a"));
        Pool plain = Pool.of("a", "10.64.0.0/16", 3600);
        store.createPool(plain);
        assertEquals(Optional.of(plain), store.pool("a"));
    }

    @Test
    void updatePoolChangesItsDefinitionAndKeepsBindings() {
        Pool p = fullV4Pool("p");
        store.createPool(p);
        Lease l1 = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease l2 = store.tryBind(new Lease("p", dev("d2"), ip("10.64.0.3"), LeaseState.BOUND, 5, T0, "n1", true)).lease();

        Pool cleared = p.withLeaseSeconds(600).withExcluded(List.of(AddressRange.parse("10.64.2.0/24")))
                .withDevicePatterns(List.of()).withTunnelTypes(Set.of());
        store.updatePool(cleared);
        assertEquals(Optional.of(cleared), store.pool("p"));
        assertEquals(List.of(l1, l2), store.leases("p"), "bindings kept");

        Pool refilled = cleared.withLeaseSeconds(86400).withExcluded(List.of())
                .withDevicePatterns(List.of("ambulance-*")).withTunnelTypes(Set.of(TunnelType.IPIP));
        store.updatePool(refilled);
        assertEquals(Optional.of(refilled), store.pool("p"));
        assertEquals(List.of(refilled), store.pools());
        assertEquals(List.of(l1, l2), store.leases("p"), "bindings kept");
        assertEquals(Outcome.ADDRESS_TAKEN, bind("p", dev("d9"), ip("10.64.0.2"), T0, "n1").outcome(), "locks kept");
    }

    @Test
    void updatePoolOfPrefixDelegationPoolKeepsBindings() {
        Pool pd = pdPool("pd");
        store.createPool(pd);
        Lease l = bind("pd", dev("car-1"), ip("2001:db8:0:7::"), T0, "n1").lease();
        Pool changed = pd.withExcluded(List.of()).withTunnelTypes(Set.of(TunnelType.GRE));
        store.updatePool(changed);
        assertEquals(Optional.of(changed), store.pool("pd"));
        assertEquals(List.of(l), store.leases("pd"));
    }

    @Test
    void updatePoolRefusesChangedPrefixOrDelegatedLengthOrMissingPoolAndChangesNothing() {
        Pool v4 = fullV4Pool("v4");
        Pool pd = pdPool("pd");
        store.createPool(v4);
        store.createPool(pd);
        Lease l = bind("v4", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();

        List<Pool> refused = List.of(
                new Pool("v4", Cidr.parse("10.65.0.0/16"), 600, 32, List.of(), List.of(), Set.of()),
                new Pool("v4", Cidr.parse("10.64.0.0/17"), 600, 32, List.of(), List.of(), Set.of()),
                new Pool("v4", Cidr.parse("10.64.0.0/15"), 600, 32, List.of(), List.of(), Set.of()),
                pd.withDelegatedLength(56),
                pd.withDelegatedLength(128),
                new Pool("pd", Cidr.parse("2001:db8:1::/48"), 86400, 64, List.of(), List.of(), Set.of()),
                Pool.of("missing", "10.64.0.0/16", 3600));
        for (Pool p : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.updatePool(p),
                    "update to " + p.prefix() + " delegating /" + p.delegatedLength() + " in " + p.name());
            assertNotNull(e.getMessage(), "the refusal says what is wrong");
            assertEquals(Optional.of(v4), store.pool("v4"), "v4 unchanged after " + p);
            assertEquals(Optional.of(pd), store.pool("pd"), "pd unchanged after " + p);
            assertEquals(Optional.empty(), store.pool("missing"), "update never creates a pool");
            assertEquals(List.of(l), store.leases("v4"));
        }
    }

    // ---------------------------------------------------------------- tryBind of a proposed lease (SPI 2.0)

    @Test
    void tryBindStoresTheProposedLeaseExactly() {
        store.createPool(pdPool("pd"));
        v4Pool("p");
        List<Lease> proposals = List.of(
                new Lease("pd", dev("car-1"), ip("2001:db8:0:7::"), LeaseState.BOUND, 42, T0.plusSeconds(86400), "node-b", true),
                new Lease("pd", dev("car-2"), ip("2001:db8:0:ffff::"), LeaseState.RELEASED, 9, T0.minusSeconds(5), "node-c", false),
                new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "node-a", true),
                new Lease("p", dev("d2"), ip("10.64.255.254"), LeaseState.BOUND, Long.MAX_VALUE - 1, T0.plusMillis(1), "n", false));
        for (Lease proposed : proposals) {
            BindResult r = store.tryBind(proposed);
            assertEquals(Outcome.BOUND, r.outcome(), proposed.toString());
            assertEquals(proposed, r.lease());
            assertEquals(Optional.of(proposed), store.findByDevice(proposed.pool(), proposed.device()));
            assertEquals(Optional.of(proposed), store.findByAddress(proposed.pool(), proposed.address()));
        }
        assertEquals(List.of(proposals.get(0), proposals.get(1)), store.leases("pd"));
        assertEquals(List.of(proposals.get(2), proposals.get(3)), store.leases("p"));
    }

    @Test
    void tryBindOfReservedOrBoundProposalStillObeysUniqueness() {
        v4Pool("p");
        Lease first = store.tryBind(new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.BOUND, 3, T0, "n1", true)).lease();
        BindResult taken = store.tryBind(new Lease("p", dev("d2"), ip("10.64.0.2"), LeaseState.BOUND, 1, T0, "n2", true));
        assertEquals(Outcome.ADDRESS_TAKEN, taken.outcome());
        BindResult again = store.tryBind(new Lease("p", dev("d1"), ip("10.64.0.3"), LeaseState.LOCKED, 1, T0, "n2", false));
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, again.outcome());
        assertEquals(first, again.lease(), "the existing binding comes back exactly, reservation included");
        assertEquals(List.of(first), store.leases("p"));
    }

    @Test
    void tryBindInUnknownPoolIsRefusedAndStoresNothing() {
        assertThrows(IllegalArgumentException.class, () -> bind("nope", dev("d1"), ip("10.64.0.2"), T0, "n1"));
        assertEquals(List.of(), store.leases("nope"));
        assertEquals(Optional.empty(), store.findByDevice("nope", dev("d1")));
        v4Pool("nope");
        assertEquals(Outcome.BOUND, bind("nope", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void updateSetsAndClearsTheReservation() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease reserved = l.withReserved(true, "operator");
        assertEquals(Optional.of(reserved), store.update(reserved, l.sequence()));
        assertEquals(Optional.of(reserved), store.findByDevice("p", dev("d1")));
        assertTrue(store.findByAddress("p", ip("10.64.0.2")).orElseThrow().reserved());
        Lease releasedButReserved = reserved.with(LeaseState.RELEASED, reserved.sequence() + 1, T0, "n2");
        assertEquals(Optional.of(releasedButReserved), store.update(releasedButReserved, reserved.sequence()));
        assertTrue(store.findByDevice("p", dev("d1")).orElseThrow().reserved(), "with() keeps the reservation");
        Lease cleared = releasedButReserved.withReserved(false, "operator");
        assertEquals(Optional.of(cleared), store.update(cleared, releasedButReserved.sequence()));
        assertEquals(Optional.of(cleared), store.findByDevice("p", dev("d1")));
        assertFalse(store.leases("p").get(0).reserved());
    }

    // ---------------------------------------------------------------- paged listing

    private static Comparator<InetAddress> byAddress() {
        return Comparator.comparing(a -> new BigInteger(1, a.getAddress()));
    }

    /** Binds one device per address, inserted in the given (unsorted) order; returns them by address. */
    private List<Lease> bindAll(String pool, List<String> addresses) {
        List<Lease> out = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            BindResult r = store.tryBind(new Lease(pool, dev("dev-" + i), ip(addresses.get(i)), LeaseState.values()[i % 3], 1 + i,
                    T0.plusSeconds(i), "n" + (i % 2), i % 4 == 0));
            assertEquals(Outcome.BOUND, r.outcome(), addresses.get(i));
            out.add(r.lease());
        }
        out.sort(Comparator.comparing(Lease::address, byAddress()));
        return out;
    }

    /** Pages through a pool with {@code limit}, checking every page, and returns the concatenation. */
    private List<Lease> pageThrough(String pool, int limit, int expectedTotal) {
        List<Lease> all = new ArrayList<>();
        InetAddress after = null;
        for (int pages = 0; pages <= expectedTotal / limit + 1; pages++) {
            List<Lease> page = store.leases(pool, after, limit);
            if (page.isEmpty()) {
                assertEquals(expectedTotal, all.size(), "empty page only after the last binding");
                return all;
            }
            int remaining = expectedTotal - all.size();
            assertEquals(Math.min(limit, remaining), page.size(), "page after " + after + " of size " + limit);
            all.addAll(page);
            after = page.get(page.size() - 1).address();
        }
        throw new AssertionError("paging with limit " + limit + " did not end; got " + all.size() + " of " + expectedTotal);
    }

    @Test
    void ipv4LeasesArePagedInAddressOrder() {
        v4Pool("p");
        v4Pool("other");
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            addresses.add("10.64." + (i % 3) + "." + (i * 37 % 250 + 2));
        }
        addresses.addAll(List.of("10.64.0.9", "10.64.0.10", "10.64.0.100", "10.64.10.1", "10.64.255.254"));
        Collections.shuffle(addresses, new Random(7));
        List<Lease> expected = bindAll("p", addresses);
        bind("other", dev("x"), ip("10.64.0.5"), T0, "n1");
        int total = expected.size();
        for (int limit : new int[] {1, 4, 7, total - 1, total, total + 5}) {
            assertEquals(expected, pageThrough("p", limit, total), "limit " + limit);
        }
        assertEquals(expected, store.leases("p"));
        InetAddress last = expected.get(total - 1).address();
        assertEquals(List.of(), store.leases("p", last, 10), "nothing after the last binding");
        // 'after' need not be a bound address: the page starts at the next bound one.
        assertEquals(expected.stream().filter(l -> byAddress().compare(l.address(), ip("10.64.0.50")) > 0).limit(3).toList(),
                store.leases("p", ip("10.64.0.50"), 3));
        assertEquals(expected.subList(0, 2), store.leases("p", ip("10.64.0.0"), 2));
        assertEquals(List.of(), store.leases("nope", null, 10));
    }

    @Test
    void ipv6LeasesArePagedInAddressOrder() {
        v6Pool("v6");
        store.createPool(pdPool("pd"));
        List<String> single = new ArrayList<>(List.of("fd00:64::1:0", "fd00:64::a", "fd00:64::9", "fd00:64::ff",
                "fd00:64::ffff:ffff:ffff:fffe", "fd00:64::2", "fd00:64::8000:0:0:0", "fd00:64::10", "fd00:64::1"));
        List<Lease> expected = bindAll("v6", single);
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            prefixes.add("2001:db8:0:" + Integer.toHexString(i * 0x0f0f % 0xffff + 1) + "::");
        }
        Collections.shuffle(prefixes, new Random(3));
        List<Lease> pd = bindAll("pd", prefixes);
        for (int limit : new int[] {1, 2, 5, 100}) {
            assertEquals(expected, pageThrough("v6", limit, expected.size()), "v6 limit " + limit);
            assertEquals(pd, pageThrough("pd", limit, pd.size()), "pd limit " + limit);
        }
        assertEquals(List.of(), store.leases("v6", ip("fd00:64::ffff:ffff:ffff:fffe"), 1));
        assertEquals(expected.subList(4, 6), store.leases("v6", expected.get(3).address(), 2));
    }

    // ---------------------------------------------------------------- reclaimable

    @Test
    void reclaimableReturnsUnreservedBindingsExpiredByTheBoundaryOldestFirst() {
        v4Pool("p");
        v4Pool("other");
        Instant boundary = T0.plusSeconds(1000);
        Lease atBoundary = store.tryBind(new Lease("p", dev("a"), ip("10.64.0.2"), LeaseState.LOCKED, 1, boundary, "n1")).lease();
        Lease released = store.tryBind(new Lease("p", dev("b"), ip("10.64.0.3"), LeaseState.RELEASED, 4,
                boundary.minusSeconds(50), "n1")).lease();
        store.tryBind(new Lease("p", dev("c"), ip("10.64.0.4"), LeaseState.BOUND, 2, boundary.plusMillis(1), "n1"));
        store.tryBind(new Lease("p", dev("d"), ip("10.64.0.5"), LeaseState.RELEASED, 3, boundary.minusSeconds(200), "n1", true));
        Lease expiredBound = store.tryBind(new Lease("p", dev("e"), ip("10.64.0.6"), LeaseState.BOUND, 2,
                boundary.minusSeconds(100), "n1")).lease();
        store.tryBind(new Lease("p", dev("f"), ip("10.64.0.7"), LeaseState.BOUND, 2, boundary.minusSeconds(10), "n1", true));
        Lease oldest = store.tryBind(new Lease("p", dev("g"), ip("10.64.0.1"), LeaseState.RELEASED, 6,
                boundary.minusSeconds(150), "n2")).lease();
        store.tryBind(new Lease("p", dev("h"), ip("10.64.0.8"), LeaseState.BOUND, 2, boundary.plusSeconds(3600), "n1"));
        store.tryBind(new Lease("other", dev("x"), ip("10.64.0.9"), LeaseState.RELEASED, 2, boundary.minusSeconds(999), "n1"));

        assertEquals(List.of(oldest, expiredBound, released, atBoundary), store.reclaimable("p", boundary, 100));
        assertEquals(List.of(oldest, expiredBound), store.reclaimable("p", boundary, 2));
        assertEquals(List.of(oldest), store.reclaimable("p", boundary, 1));
        assertEquals(List.of(oldest, expiredBound, released), store.reclaimable("p", boundary.minusMillis(1), 100),
                "a binding expiring just after the boundary is not reclaimable");
        assertEquals(List.of(), store.reclaimable("p", boundary.minusSeconds(151), 100));
        assertEquals(List.of(), store.reclaimable("nope", boundary, 100));
    }

    @Test
    void reclaimableFollowsUpdatesOfExpiryAndReservation() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        assertEquals(List.of(l), store.reclaimable("p", T0, 10));
        Lease reserved = store.update(l.withReserved(true, "op"), 1).orElseThrow();
        assertEquals(List.of(), store.reclaimable("p", T0, 10), "a reservation is never reclaimable");
        Lease renewed = store.update(reserved.withReserved(false, "op").with(LeaseState.BOUND, 9, T0.plusSeconds(60), "n1"),
                reserved.sequence()).orElseThrow();
        assertEquals(List.of(), store.reclaimable("p", T0.plusSeconds(59), 10));
        assertEquals(List.of(renewed), store.reclaimable("p", T0.plusSeconds(60), 10));
    }

    // ---------------------------------------------------------------- forEachAddress

    @Test
    void forEachAddressHandsOverEveryBoundAddressAscending() {
        v4Pool("p");
        v4Pool("other");
        List<String> addresses = new ArrayList<>(List.of("10.64.1.0", "10.64.0.10", "10.64.0.200", "10.64.0.9",
                "10.64.0.2", "10.64.255.254", "10.64.0.3"));
        List<Lease> leases = bindAll("p", addresses); // every state, some reserved, some expired
        bind("other", dev("x"), ip("10.64.0.4"), T0, "n1");
        List<InetAddress> got = new ArrayList<>();
        store.forEachAddress("p", got::add);
        assertEquals(leases.stream().map(Lease::address).toList(), got);

        List<InetAddress> none = new ArrayList<>();
        store.forEachAddress("nope", none::add);
        v4Pool("empty");
        store.forEachAddress("empty", none::add);
        assertEquals(List.of(), none);
    }

    @Test
    void forEachAddressOfIpv6PoolsIsAscending() {
        v6Pool("v6");
        store.createPool(pdPool("pd"));
        List<Lease> single = bindAll("v6", List.of("fd00:64::1:0", "fd00:64::a", "fd00:64::9", "fd00:64::ffff:0:0:1", "fd00:64::2"));
        List<Lease> pd = bindAll("pd", List.of("2001:db8:0:10::", "2001:db8:0:9::", "2001:db8:0:a::", "2001:db8:0:ffff::",
                "2001:db8:0:1::"));
        List<InetAddress> got = new ArrayList<>();
        store.forEachAddress("v6", got::add);
        assertEquals(single.stream().map(Lease::address).toList(), got);
        got.clear();
        store.forEachAddress("pd", got::add);
        assertEquals(pd.stream().map(Lease::address).toList(), got);
        assertEquals(List.of(ip("2001:db8:0:1::"), ip("2001:db8:0:9::"), ip("2001:db8:0:a::"), ip("2001:db8:0:10::"),
                ip("2001:db8:0:ffff::")), got);
    }

    // ---------------------------------------------------------------- countLeases

    /** One row of the counting table: a binding and where {@code countLeases} must put it. */
    protected record CountCase(String label, LeaseState state, Instant expiresAt, boolean reserved, String category) {

        LeaseCounts expected() {
            return new LeaseCounts(category.equals("locked") ? 1 : 0, category.equals("bound") ? 1 : 0,
                    category.equals("quarantined") ? 1 : 0, category.equals("reclaimable") ? 1 : 0, reserved ? 1 : 0);
        }
    }

    /** Counting happens at NOW with the quarantine boundary ten minutes earlier. */
    protected static final Instant NOW = T0.plusSeconds(10_000);
    protected static final Instant BOUNDARY = NOW.minusSeconds(600);

    protected static List<CountCase> countCases() {
        return List.of(
                new CountCase("LOCKED, lock running", LeaseState.LOCKED, NOW.plusSeconds(60), false, "locked"),
                new CountCase("LOCKED, lock ran out just now", LeaseState.LOCKED, NOW, false, "quarantined"),
                new CountCase("LOCKED, lock ran out long ago", LeaseState.LOCKED, BOUNDARY.minusMillis(1), false, "reclaimable"),
                new CountCase("BOUND, active", LeaseState.BOUND, NOW.plusSeconds(3600), false, "bound"),
                new CountCase("BOUND, 1 ms left", LeaseState.BOUND, NOW.plusMillis(1), false, "bound"),
                new CountCase("BOUND, expiring exactly now", LeaseState.BOUND, NOW, false, "quarantined"),
                new CountCase("BOUND, expired a second ago", LeaseState.BOUND, NOW.minusSeconds(1), false, "quarantined"),
                new CountCase("BOUND, expired 1 ms after the boundary", LeaseState.BOUND, BOUNDARY.plusMillis(1), false, "quarantined"),
                new CountCase("BOUND, expired at the boundary", LeaseState.BOUND, BOUNDARY, false, "reclaimable"),
                new CountCase("RELEASED, release stamped in the future", LeaseState.RELEASED, NOW.plusSeconds(30), false, "quarantined"),
                new CountCase("RELEASED, just now", LeaseState.RELEASED, NOW.minusSeconds(10), false, "quarantined"),
                new CountCase("RELEASED, at the boundary", LeaseState.RELEASED, BOUNDARY, false, "reclaimable"),
                new CountCase("RELEASED, a day ago", LeaseState.RELEASED, BOUNDARY.minusSeconds(86400), false, "reclaimable"),
                new CountCase("reserved BOUND, active", LeaseState.BOUND, NOW.plusSeconds(3600), true, "bound"),
                new CountCase("reserved LOCKED, lock running", LeaseState.LOCKED, NOW.plusSeconds(60), true, "locked"),
                new CountCase("reserved BOUND, expired", LeaseState.BOUND, NOW.minusSeconds(1), true, "quarantined"),
                new CountCase("reserved RELEASED, a day ago", LeaseState.RELEASED, BOUNDARY.minusSeconds(86400), true, "reclaimable"));
    }

    @Test
    void countLeasesPutsEveryKindOfBindingWhereTheJavadocSays() {
        List<CountCase> cases = countCases();
        for (int i = 0; i < cases.size(); i++) {
            CountCase c = cases.get(i);
            String pool = "c" + i;
            v4Pool(pool);
            store.tryBind(new Lease(pool, dev("d"), ip("10.64.0.2"), c.state(), 3, c.expiresAt(), "n1", c.reserved()));
            assertEquals(c.expected(), store.countLeases(pool, NOW, BOUNDARY), c.label());
        }
    }

    /** {@link LeaseStore#countLeases}'s javadoc, applied to leases in memory. */
    protected static LeaseCounts classify(List<Lease> leases, Instant now, Instant boundary) {
        long locked = 0;
        long bound = 0;
        long quarantined = 0;
        long reclaimable = 0;
        long reserved = 0;
        for (Lease l : leases) {
            boolean notExpired = l.expiresAt().isAfter(now);
            if (l.state() == LeaseState.LOCKED && notExpired) {
                locked++;
            } else if (l.state() == LeaseState.BOUND && notExpired) {
                bound++;
            } else if (l.expiresAt().isAfter(boundary)) {
                quarantined++;
            } else {
                reclaimable++;
            }
            if (l.reserved()) {
                reserved++;
            }
        }
        return new LeaseCounts(locked, bound, quarantined, reclaimable, reserved);
    }

    @Test
    void countLeasesFollowsTheDefinitionAtOtherInstants() {
        v4Pool("p");
        List<CountCase> cases = countCases();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            CountCase c = cases.get(i);
            leases.add(store.tryBind(new Lease("p", dev("d" + i), ip("10.64.0." + (i + 2)), c.state(), 3, c.expiresAt(), "n1",
                    c.reserved())).lease());
        }
        assertEquals(new LeaseCounts(2, 3, 7, 5, 4), classify(leases, NOW, BOUNDARY), "the reference agrees with the table");
        Instant[][] instants = {
                {NOW, BOUNDARY}, {NOW, NOW}, {NOW, NOW.plusSeconds(60)}, {NOW, NOW.plusMillis(1)},
                {BOUNDARY, BOUNDARY.minusMillis(1)}, {NOW.plusSeconds(7200), NOW}, {T0, T0.minusSeconds(86400)},
                {NOW.minusSeconds(1), BOUNDARY.plusMillis(1)}};
        for (Instant[] at : instants) {
            assertEquals(classify(leases, at[0], at[1]), store.countLeases("p", at[0], at[1]),
                    "counted at " + at[0] + " with the quarantine boundary " + at[1]);
        }
    }

    @Test
    void countLeasesAddsUpAWholePool() {
        v4Pool("p");
        v4Pool("other");
        List<CountCase> cases = countCases();
        long locked = 0;
        long bound = 0;
        long quarantined = 0;
        long reclaimable = 0;
        long reserved = 0;
        for (int i = 0; i < cases.size(); i++) {
            CountCase c = cases.get(i);
            store.tryBind(new Lease("p", dev("d" + i), ip("10.64.0." + (i + 2)), c.state(), 3, c.expiresAt(), "n1", c.reserved()));
            LeaseCounts e = c.expected();
            locked += e.locked();
            bound += e.bound();
            quarantined += e.quarantined();
            reclaimable += e.reclaimable();
            reserved += e.reserved();
        }
        bind("other", dev("x"), ip("10.64.0.2"), NOW.plusSeconds(60), "n1");
        LeaseCounts counts = store.countLeases("p", NOW, BOUNDARY);
        assertEquals(new LeaseCounts(locked, bound, quarantined, reclaimable, reserved), counts);
        assertEquals(new LeaseCounts(2, 3, 7, 5, 4), counts, "the table's own tally");
        assertEquals(cases.size(), counts.total());
        assertEquals(new LeaseCounts(0, 0, 0, 0, 0), store.countLeases("nope", NOW, BOUNDARY));
        v4Pool("empty");
        assertEquals(new LeaseCounts(0, 0, 0, 0, 0), store.countLeases("empty", NOW, BOUNDARY));
    }

    // ---------------------------------------------------------------- durability

    @Test
    void everythingSurvivesReopen() throws Exception {
        Pool a = v4Pool("a");
        Pool b = v6Pool("b");
        Lease l1 = bind("a", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease l2 = store.update(bind("a", dev("d2"), ip("10.64.0.3"), T0, "n1").lease()
                .with(LeaseState.BOUND, 2, T0.plusSeconds(3600), "n2"), 1).orElseThrow();
        Lease l3 = bind("b", dev("d1"), ip("fd00:64::2"), T0, "n1").lease();
        Lease gone = bind("a", dev("d3"), ip("10.64.0.4"), T0, "n1").lease();
        assertTrue(store.remove("a", dev("d3"), gone.sequence()));

        LeaseStore reopened = reopenStore();
        assertEquals(Set.of(a, b), new HashSet<>(reopened.pools()));
        assertEquals(List.of(l1, l2), reopened.leases("a"));
        assertEquals(List.of(l3), reopened.leases("b"));
        assertEquals(Optional.of(l2), reopened.findByDevice("a", dev("d2")));
        assertEquals(Optional.empty(), reopened.findByDevice("a", dev("d3")));
        // The lock is still held after restart.
        assertEquals(Outcome.ADDRESS_TAKEN, bind("a", dev("d9"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Optional.empty(), reopened.update(l2.with(LeaseState.RELEASED, 3, T0, "n1"), 1));
    }

    @Test
    void deletedPoolStaysDeletedAfterReopen() throws Exception {
        v4Pool("a");
        bind("a", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertTrue(store.deletePool("a"));
        LeaseStore reopened = reopenStore();
        assertEquals(List.of(), reopened.pools());
        assertEquals(List.of(), reopened.leases("a"));
    }

    @Test
    void spi2StateSurvivesReopen() throws Exception {
        Pool v4 = fullV4Pool("v4");
        Pool pd = pdPool("pd");
        store.createPool(v4);
        store.createPool(pd);
        store.createPool(fullV6Pool("v6"));
        Pool v6 = fullV6Pool("v6").withLeaseSeconds(120).withDevicePatterns(List.of("x-*"));
        store.updatePool(v6);

        List<CountCase> cases = countCases();
        for (int i = 0; i < cases.size(); i++) {
            CountCase c = cases.get(i);
            store.tryBind(new Lease("v4", dev("d" + i), ip("10.64.0." + (i + 2)), c.state(), 3 + i, c.expiresAt(), "n" + i,
                    c.reserved()));
        }
        Lease car = store.tryBind(new Lease("pd", dev("car-1"), ip("2001:db8:0:a::"), LeaseState.BOUND, 8, NOW.plusSeconds(60),
                "n1", true)).lease();
        Lease car2 = bind("pd", dev("car-2"), ip("2001:db8:0:9::"), BOUNDARY.minusSeconds(1), "n1").lease();
        Lease unreserved = store.update(car.withReserved(false, "op"), car.sequence()).orElseThrow();
        Lease v6Lease = store.tryBind(new Lease("v6", dev("x-1"), ip("fd00:64::2"), LeaseState.RELEASED, 2, T0, "n1", true)).lease();

        List<Lease> v4Leases = store.leases("v4");
        List<Lease> reclaimableBefore = store.reclaimable("v4", BOUNDARY, 100);
        LeaseCounts countsBefore = store.countLeases("v4", NOW, BOUNDARY);
        List<InetAddress> addressesBefore = new ArrayList<>();
        store.forEachAddress("v4", addressesBefore::add);

        reopenStore();
        assertEquals(List.of(pd, v4, v6), store.pools());
        assertEquals(Optional.of(pd), store.pool("pd"));
        assertEquals(v4Leases, pageThrough("v4", 5, cases.size()));
        assertEquals(List.of(car2, unreserved), store.leases("pd", null, 10));
        assertEquals(List.of(v6Lease), store.leases("v6"));
        assertEquals(reclaimableBefore, store.reclaimable("v4", BOUNDARY, 100));
        assertEquals(List.of(car2), store.reclaimable("pd", BOUNDARY, 100));
        assertEquals(countsBefore, store.countLeases("v4", NOW, BOUNDARY));
        assertEquals(new LeaseCounts(2, 3, 7, 5, 4), store.countLeases("v4", NOW, BOUNDARY));
        List<InetAddress> addresses = new ArrayList<>();
        store.forEachAddress("v4", addresses::add);
        assertEquals(addressesBefore, addresses);
        assertEquals(cases.size(), addresses.size());
        // The reopened store still refuses what it must and accepts what it may.
        assertThrows(IllegalArgumentException.class, () -> store.updatePool(pd.withDelegatedLength(60)));
        assertEquals(Outcome.ADDRESS_TAKEN, bind("pd", dev("car-3"), ip("2001:db8:0:a::"), T0, "n1").outcome());
        Lease reserved = store.update(car2.withReserved(true, "op"), car2.sequence()).orElseThrow();
        assertEquals(List.of(), store.reclaimable("pd", BOUNDARY, 100));
        reopenStore();
        assertEquals(Optional.of(reserved), store.findByDevice("pd", dev("car-2")));
    }
}

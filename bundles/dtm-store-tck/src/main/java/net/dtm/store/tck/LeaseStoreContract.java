package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;

/**
 * The suite every {@link LeaseStore} implementation must pass. Extend it in the implementation's
 * test sources and implement the two factory methods. Its parts build on one another, so an
 * implementation's test runs them all: {@link PoolCatalogueContract}, {@link BindingContract},
 * {@link LeaseListingContract} and, here, durability; the shared fixtures are in
 * {@link LeaseStoreFixtures}.
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
public abstract class LeaseStoreContract extends LeaseListingContract {

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

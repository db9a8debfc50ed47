package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.LeaseCounts;

/**
 * The listing part of the {@link LeaseStoreContract}: address order for listing and paging,
 * {@code reclaimable}, {@code forEachAddress}, and {@code countLeases} as its javadoc defines the
 * categories.
 */
public abstract class LeaseListingContract extends BindingContract {

    // ---------------------------------------------------------------- address order

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

    // ---------------------------------------------------------------- paged listing

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
}

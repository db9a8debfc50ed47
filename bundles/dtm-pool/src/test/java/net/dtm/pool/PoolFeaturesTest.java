package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;
import net.dtm.api.fakes.SettableClock;

/** Prefix delegation, exclusions, reservations, selection, hints, stats, paging, warnings, definitions. */
class PoolFeaturesTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final Duration QUARANTINE = Duration.ofMinutes(10);

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        return new PoolManager(store, "node-1", clock, new PoolSettings(LOCK, 0.5, QUARANTINE, new int[] {50, 90}), null);
    }

    private void fill(String pool, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            pm.allocate(pool, dev(prefix + i));
            pm.confirm(pool, dev(prefix + i));
        }
    }

    // ------------------------------------------------------------ IPv6 and prefix delegation

    @Test
    void delegatedPrefixesAreWholeBlocksAndSurviveARestart() {
        Pool pd = pm.createPool(Pool.of("pd", "2001:db8::/48", 3600).withDelegatedLength(64));
        assertEquals(65_535, pd.capacity(), "block 0 holds the gateway");
        Lease a = pm.allocate("pd", dev("a"));
        Lease b = pm.allocate("pd", dev("b"));
        assertEquals(ip("2001:db8:0:1::"), a.address());
        assertEquals(ip("2001:db8:0:2::"), b.address());
        assertEquals(ip("2001:db8:0:1::1"), pd.innerAddress(a.address()));
        assertEquals(64, pd.innerPrefixLength());
        assertEquals("2001:db8:0:1::/64", pd.describe(a.address()));
        // The device quotes its inner address as the hint after losing its binding: same prefix.
        pm.release("pd", dev("a"));
        clock.advance(QUARANTINE.plusSeconds(1));
        Lease gone = store.findByDevice("pd", dev("a")).orElseThrow();
        assertTrue(store.remove("pd", dev("a"), gone.sequence()));
        assertEquals(a.address(), pm.allocate("pd", dev("a"), ip("2001:db8:0:1::1")).address());

        PoolManager restarted = new PoolManager(store, "node-2", clock, pm.settings(), null);
        assertEquals(ip("2001:db8:0:3::"), restarted.allocate("pd", dev("c")).address(), "the index knows blocks 1 and 2 are taken");
    }

    @Test
    void aHintBeyondTheUsableBlocksOfAWideIpv6PoolIsNotBoundAndThePoolStillLoads() {
        Pool wide = pm.createPool(Pool.of("wide", "2001:db8:0:100::/56", 3600));
        // block 2^64 + 5: its low 64 bits say block 5, which is inside the usable blocks
        InetAddress wraps = wide.prefix().addressAt(java.math.BigInteger.ONE.shiftLeft(64).add(java.math.BigInteger.valueOf(5)));
        Lease lease = pm.allocate("wide", dev("far"), wraps);
        assertNotEquals(wraps, lease.address(), "a hint outside the handed-out blocks is only a hint");
        assertTrue(wide.isAssignable(lease.address()));
        PoolManager restarted = new PoolManager(store, "node-2", clock, pm.settings(), null);
        assertEquals(1, restarted.loadAll(), "the pool loads after a restart");
        assertEquals(lease.address(), restarted.lease("wide", dev("far")).orElseThrow().address());
    }

    @Test
    void aPoolThatCannotBeLoadedDoesNotKeepTheOthersDown() {
        pm.createPool(Pool.of("good", "10.70.0.0/24", 3600));
        pm.createPool(Pool.of("bad", "10.71.0.0/24", 3600));
        CountingStore broken = new CountingStore(store) {
            @Override
            public void forEachAddress(String pool, java.util.function.Consumer<InetAddress> sink) {
                if (pool.equals("bad")) {
                    throw new IllegalStateException("row 12 of pool bad cannot be decoded");
                }
                super.forEachAddress(pool, sink);
            }
        };
        PoolManager restarted = new PoolManager(broken, "node-2", clock, pm.settings(), null);
        assertEquals(1, restarted.loadAll(), "good loaded, bad logged");
        assertTrue(restarted.allocate("good", dev("g2")).address().getHostAddress().startsWith("10.70.0."));
    }

    @Test
    void singleAddressIpv6PoolAndPrefixValidation() {
        Pool v6 = pm.createPool(Pool.of("v6", "2001:db8:1::/120", 3600));
        assertEquals(ip("2001:db8:1::2"), pm.allocate("v6", dev("a")).address());
        assertEquals(254, v6.capacity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pool.of("bad", "2001:db8:2::/64", 3600).withDelegatedLength(48));
        assertTrue(e.getMessage().contains("must be longer than the pool's /64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pool.of("bad", "10.1.0.0/16", 3600).withDelegatedLength(24));
        assertTrue(e.getMessage().contains("IPv4 pools hand out single addresses"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pool.of("bad", "10.1.0.1/16", 3600));
        assertTrue(e.getMessage().contains("host bits set"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pm.createPool(Pool.of("inner", "2001:db8:1::80/121", 3600)));
        assertTrue(e.getMessage().contains("overlaps pool v6"), e.getMessage());
        assertEquals(1, pm.pools().size(), "nothing created");
    }

    // ------------------------------------------------------------ exclusions

    @Test
    void excludedRangesAreNeverHandedOutAndCountAgainstCapacity() {
        Pool p = pm.createPool(Pool.of("x", "10.9.0.0/28", 3600)
                .withExcluded(List.of(AddressRange.parse("10.9.0.2-10.9.0.5"), AddressRange.parse("10.9.0.12/30"))));
        assertEquals(13, p.capacity());
        assertEquals(4 + 3, p.excludedCount(), ".12-.14 of the /30 are assignable blocks, .15 is the broadcast address");
        Set<InetAddress> got = new HashSet<>();
        for (int i = 0; ; i++) {
            try {
                got.add(pm.allocate("x", dev("d" + i)).address());
            } catch (DtmException e) {
                assertEquals(Reason.POOL_EXHAUSTED, e.reason());
                break;
            }
        }
        assertEquals(Set.of(ip("10.9.0.6"), ip("10.9.0.7"), ip("10.9.0.8"), ip("10.9.0.9"), ip("10.9.0.10"),
                ip("10.9.0.11")), got);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pool.of("y", "10.10.0.0/24", 3600).withExcluded(List.of(AddressRange.parse("10.11.0.1-10.11.0.9"))));
        assertTrue(e.getMessage().contains("is not inside 10.10.0.0/24"), e.getMessage());
    }

    @Test
    void anAddressExcludedLaterIsNotGivenOutAgainOnceItsDeviceLetsItGo() {
        pm.createPool(Pool.of("x", "10.9.0.0/29", 3600));
        Lease a = pm.allocate("x", dev("a"));
        pm.confirm("x", dev("a"));
        pm.updatePool(pm.pool("x").orElseThrow().withExcluded(List.of(AddressRange.parse(a.address().getHostAddress()))));
        assertEquals(a.address(), pm.allocate("x", dev("a")).address(), "an active lease keeps its address");
        pm.release("x", dev("a"));
        Lease again = pm.allocate("x", dev("a"));
        assertNotEquals(a.address(), again.address(), "released, then excluded: the device moves");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pm.updatePool(Pool.of("x", "10.9.0.0/28", 3600)));
        assertTrue(e.getMessage().contains("cannot change"), e.getMessage());
        assertEquals(Cidr.parse("10.9.0.0/29"), pm.pool("x").orElseThrow().prefix());
    }

    // ------------------------------------------------------------ reservations

    @Test
    void aReservedAddressGoesOnlyToItsDeviceEvenWhenThePoolIsFull() {
        pm.createPool(Pool.of("small", "10.9.0.0/29", 86_400)); // the bound leases outlive the test
        Lease r = pm.reserve("small", dev("vip"), ip("10.9.0.6"));
        assertTrue(r.reserved());
        fill("small", 4, "d");
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("late"))).reason());
        Lease vip = pm.allocate("small", dev("vip"));
        assertEquals(ip("10.9.0.6"), vip.address());
        assertTrue(vip.reserved());
        assertEquals(LeaseState.LOCKED, vip.state());
        // Released and past its quarantine, a reservation is still never reclaimed.
        pm.confirm("small", dev("vip"));
        pm.release("small", dev("vip"));
        clock.advance(QUARANTINE.plusHours(1));
        pm.release("small", dev("d0"));
        clock.advance(QUARANTINE.plusSeconds(1));
        assertEquals(ip("10.9.0.2"), pm.allocate("small", dev("late")).address(), "d0's address is reclaimed, vip's is not");
        assertEquals(ip("10.9.0.6"), pm.lease("small", dev("vip")).orElseThrow().address());
    }

    @Test
    void reservationErrorsChangeNothing() {
        pm.createPool(Pool.of("small", "10.9.0.0/29", 3600));
        Lease other = pm.allocate("small", dev("other"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pm.reserve("small", dev("vip"), other.address()));
        assertTrue(e.getMessage().contains("is held by device other"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pm.reserve("small", dev("vip"), ip("10.9.0.1")));
        assertTrue(e.getMessage().contains("cannot be reserved"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pm.reserve("small", dev("vip"), ip("10.9.1.3")));
        assertTrue(pm.lease("small", dev("vip")).isEmpty());
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class,
                () -> pm.reserve("nope", dev("vip"), ip("10.9.0.3"))).reason());
    }

    @Test
    void reservingMovesADeviceAndUnreserveMakesItOrdinary() {
        pm.createPool(Pool.of("small", "10.9.0.0/29", 3600).withExcluded(List.of(AddressRange.parse("10.9.0.6"))));
        Lease dyn = pm.allocate("small", dev("vip"));
        Lease r = pm.reserve("small", dev("vip"), ip("10.9.0.6"));
        assertEquals(ip("10.9.0.6"), r.address(), "a reservation may use an excluded address");
        assertTrue(store.findByAddress("small", dyn.address()).isEmpty(), "the old dynamic address is free again");
        assertEquals(r, pm.reserve("small", dev("vip"), ip("10.9.0.6")), "reserving again changes nothing");
        assertTrue(pm.unreserve("small", dev("vip")));
        assertFalse(pm.lease("small", dev("vip")).orElseThrow().reserved());
        assertFalse(pm.unreserve("small", dev("vip")));
        assertFalse(pm.unreserve("small", dev("nobody")));
    }

    // ------------------------------------------------------------ selection and hints

    @Test
    void poolSelectionByDeviceGroupAndTunnelType() {
        pm.createPool(Pool.of("any", "10.1.0.0/24", 3600));
        pm.createPool(Pool.of("buses", "10.2.0.0/24", 3600).withDevicePatterns(List.of("bus-*")));
        pm.createPool(Pool.of("gre", "10.3.0.0/24", 3600).withTunnelTypes(Set.of(TunnelType.GRE)));
        assertEquals("buses", pm.allocate(dev("bus-7"), TunnelType.VXLAN, null).pool());
        assertEquals("gre", pm.allocate(dev("car-1"), TunnelType.GRE, null).pool());
        assertEquals("any", pm.allocate(dev("car-2"), TunnelType.VXLAN, null).pool());
        assertEquals("buses", pm.allocate(dev("bus-8"), TunnelType.GRE, null).pool(), "a device group ranks before a tunnel type");
        pm.deletePool("any");
        DtmException e = assertThrows(DtmException.class, () -> pm.allocate(dev("car-3"), TunnelType.VXLAN, null));
        assertEquals(Reason.NO_POOL, e.reason());
        assertTrue(e.getMessage().contains("no pool serves device car-3"), e.getMessage());
    }

    @Test
    void selectionIsStickyAndMovesOnWhenAPoolIsFull() {
        pm.createPool(Pool.of("first", "10.1.0.0/29", 3600).withDevicePatterns(List.of("d*")));
        pm.createPool(Pool.of("second", "10.2.0.0/29", 3600));
        for (int i = 0; i < 5; i++) {
            assertEquals("first", pm.allocate(dev("d" + i), TunnelType.VXLAN, null).pool());
        }
        assertEquals("second", pm.allocate(dev("d5"), TunnelType.VXLAN, null).pool(), "first is full");
        Lease sticky = pm.allocate(dev("d5"), TunnelType.VXLAN, null);
        assertEquals("second", sticky.pool(), "the device keeps its lease in the second pool");
        assertEquals(1, pm.leases(LeaseQuery.of("second", 10)).size());
    }

    @Test
    void aDeviceGetsItsPreviousAddressBackWhenItIsStillFree() {
        pm.createPool(Pool.of("p", "10.9.0.0/24", 3600));
        assertEquals(ip("10.9.0.77"), pm.allocate("p", dev("a"), ip("10.9.0.77")).address());
        assertEquals(ip("10.9.0.2"), pm.allocate("p", dev("b"), ip("10.9.0.77")).address(), "taken: a fresh address");
        assertEquals(ip("10.9.0.3"), pm.allocate("p", dev("c"), ip("10.9.0.1")).address(), "the gateway is never a hint");
        assertEquals(ip("10.9.0.4"), pm.allocate("p", dev("d"), ip("192.168.0.9")).address(), "outside the pool");
        // The stale hint in the index is skipped when its turn comes.
        Set<InetAddress> all = new HashSet<>();
        for (int i = 0; i < 249; i++) { // 253 addresses, 4 taken; .77 is still in the index
            all.add(pm.allocate("p", dev("n" + i)).address());
        }
        assertFalse(all.contains(ip("10.9.0.77")));
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("p", dev("z"))).reason());
    }

    // ------------------------------------------------------------ stats, exhaustion, warnings

    @Test
    void statsCountEveryStateAndExhaustionEpisodes() {
        pm.createPool(Pool.of("small", "10.9.0.0/29", 3600).withExcluded(List.of(AddressRange.parse("10.9.0.6"))));
        pm.reserve("small", dev("vip"), ip("10.9.0.6"));
        fill("small", 3, "d");                 // .2 .3 .4 bound
        pm.allocate("small", dev("locked"));    // .5 locked
        pm.release("small", dev("d0"));
        PoolStats s = pm.stats("small");
        assertEquals(5, s.capacity());
        assertEquals(1, s.excluded());
        assertEquals(1, s.locked());
        assertEquals(2, s.bound());
        assertEquals(2, s.quarantined(), "d0 just released, vip's reservation released since its creation");
        assertEquals(0, s.reclaimable());
        assertEquals(1, s.reserved());
        assertEquals(0, s.free());
        assertEquals(0, s.exhaustedEpisodes());

        Instant first = clock.instant();
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("x"))).reason());
        clock.advance(Duration.ofSeconds(5));
        int scans = store.scans.get();
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("y"))).reason());
        assertEquals(scans + 1, store.scans.get(), "at most one rescan per interval");
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("y"))).reason());
        assertEquals(scans + 1, store.scans.get(), "refused at once, without touching the store's leases");
        s = pm.stats("small");
        assertEquals(1, s.exhaustedEpisodes(), "one episode however many refusals");
        assertEquals(Optional.of(first), s.exhaustedSince());
        assertEquals(3, s.refusals());

        clock.advance(QUARANTINE.plusSeconds(1));
        assertEquals(ip("10.9.0.2"), pm.allocate("small", dev("x")).address());
        s = pm.stats("small");
        assertEquals(Optional.empty(), s.exhaustedSince(), "the episode ended");
        assertEquals(1, s.reclaimable(), "vip's released reservation is past quarantine but never reclaimed");
        clock.advance(LOCK);
        assertEquals(ip("10.9.0.5"), pm.allocate("small", dev("y")).address(), "the lapsed lock, once past its quarantine");
        assertEquals(Reason.POOL_EXHAUSTED, assertThrows(DtmException.class, () -> pm.allocate("small", dev("z"))).reason());
        assertEquals(2, pm.stats("small").exhaustedEpisodes());
    }

    @Test
    void utilisationWarningLevelsFollowThePool() {
        pm.createPool(Pool.of("p", "10.9.0.0/28", 3600)); // 13 addresses, warnings at 50 and 90 %
        fill("p", 6, "d");
        assertEquals(0, pm.warnLevel("p"));
        fill("p", 1, "e");
        assertEquals(1, pm.warnLevel("p"), "7/13 = 54 %");
        fill("p", 5, "f");
        assertEquals(2, pm.warnLevel("p"), "12/13 = 92 %");
        for (int i = 0; i < 6; i++) {
            pm.release("p", dev("f" + (i % 5)));
        }
        clock.advance(QUARANTINE.plusSeconds(1));
        assertEquals(5, pm.sweep(), "the sweep reclaims when the index is nearly empty");
        assertEquals(1, pm.warnLevel("p"), "8/13 = 62 %");
    }

    // ------------------------------------------------------------ paged queries

    @Test
    void leaseQueriesPageInAddressOrderAndFilter() {
        pm.createPool(Pool.of("a", "10.1.0.0/24", 3600));
        pm.createPool(Pool.of("b", "10.2.0.0/24", 3600));
        for (int i = 0; i < 25; i++) {
            pm.allocate("a", dev("a" + i));
            pm.allocate("b", dev("b" + i));
            if (i % 2 == 0) {
                pm.confirm("b", dev("b" + i));
            }
        }
        List<Lease> page1 = pm.leases(LeaseQuery.of(null, 20));
        assertEquals(20, page1.size());
        assertEquals(ip("10.1.0.2"), page1.get(0).address());
        List<Lease> page2 = pm.leases(new LeaseQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(page1.get(19).address()), 20));
        assertEquals(20, page2.size());
        assertEquals(ip("10.1.0.22"), page2.get(0).address());
        assertEquals(ip("10.2.0.2"), page2.get(5).address(), "the page continues in the next pool");
        List<Lease> bound = pm.leases(new LeaseQuery(Optional.of("b"), Optional.empty(), Optional.of(LeaseState.BOUND),
                Optional.empty(), Optional.empty(), 100));
        assertEquals(13, bound.size());
        assertTrue(bound.stream().allMatch(l -> l.state() == LeaseState.BOUND));
        clock.advance(LOCK.plusSeconds(1));
        List<Lease> expired = pm.leases(new LeaseQuery(Optional.of("b"), Optional.empty(), Optional.empty(),
                Optional.of(true), Optional.empty(), 100));
        assertEquals(12, expired.size(), "the unconfirmed locks lapsed");
        assertEquals(List.of("b3"), pm.leases(new LeaseQuery(Optional.empty(), Optional.of(dev("b3")), Optional.empty(),
                Optional.empty(), Optional.empty(), 10)).stream().map(l -> l.device().value()).toList());
        assertThrows(IllegalArgumentException.class, () -> pm.leases(new LeaseQuery(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(ip("192.168.1.1")), 10)));
        assertEquals(Reason.NO_POOL, assertThrows(DtmException.class, () -> pm.leases(LeaseQuery.of("zz", 10))).reason());
    }

    // ------------------------------------------------------------ pools from configuration

    @Test
    void poolDefinitionsFromConfigurationCreateUpdateAndRejectClearly() {
        Map<String, Object> cfg = Map.of("name", "fleet", "prefix", "10.80.0.0/16", "lease.seconds", "7200",
                "exclude", "10.80.0.0/24, 10.80.255.200-10.80.255.254", "devices", new String[] {"bus-*", "tram-*"},
                "tunnel.types", "vxlan");
        Pool p = PoolDefinitions.parse(cfg);
        assertEquals(7200, p.leaseSeconds());
        assertEquals(List.of("bus-*", "tram-*"), p.devicePatterns());
        assertEquals(Set.of(TunnelType.VXLAN), p.tunnelTypes());
        assertEquals(2, p.excluded().size());
        assertEquals(PoolDefinitions.Outcome.CREATED, PoolDefinitions.apply(pm, p));
        assertEquals(PoolDefinitions.Outcome.UNCHANGED, PoolDefinitions.apply(pm, PoolDefinitions.parse(cfg)));
        assertEquals(PoolDefinitions.Outcome.UPDATED, PoolDefinitions.apply(pm, p.withLeaseSeconds(600)));
        assertEquals(600, pm.pool("fleet").orElseThrow().leaseSeconds());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolDefinitions.parse(Map.of("prefix", "10.0.0.0/8")))
                .getMessage().contains("'name' is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PoolDefinitions.parse(Map.of("name", "x", "prefix", "10.0.0.0/8", "lease.seconds", "soon")))
                .getMessage().contains("'lease.seconds' must be a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PoolDefinitions.parse(Map.of("name", "x", "prefix", "10.0.0.0/8", "exclude", "10.0.0.9-10.0.0.1")))
                .getMessage().contains("ends before it starts"));
        Pool overlapping = PoolDefinitions.parse(Map.of("name", "x", "prefix", "10.80.4.0/24"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolDefinitions.apply(pm, overlapping))
                .getMessage().contains("overlaps pool fleet"));
        Pool moved = PoolDefinitions.parse(Map.of("name", "fleet", "prefix", "10.81.0.0/16"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolDefinitions.apply(pm, moved))
                .getMessage().contains("cannot change"));
        assertEquals(1, pm.pools().size());
    }
}

package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.BindResult.Outcome;

/**
 * The pool catalogue part of the {@link LeaseStoreContract}: pools are created, listed by name,
 * found, refused when the name exists or a creation's check refuses, deleted with their bindings, created again empty, kept
 * with every field (IPv4, IPv6, prefix delegation, excluded ranges, device patterns, tunnel types)
 * and updated without touching their bindings, never to another prefix or delegated length.
 */
public abstract class PoolCatalogueContract extends LeaseStoreFixtures {

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
    void aCheckedCreationSeesTheStoredPoolsAndARefusalStoresNothing() {
        Pool a = v4Pool("a");
        List<List<Pool>> seen = new ArrayList<>();
        Pool b = Pool.of("b", "10.65.0.0/16", 60);
        store.createPool(b, seen::add);
        assertEquals(List.of(List.of(a)), seen, "the check is given the pools stored before the creation");
        IllegalArgumentException refusal = new IllegalArgumentException("overlaps");
        assertEquals(refusal, assertThrows(IllegalArgumentException.class, () -> store.createPool(Pool.of("c", "10.64.1.0/24", 60),
                stored -> {
                    throw refusal;
                })));
        assertEquals(Set.of(a, b), new HashSet<>(store.pools()), "nothing stored when the check refuses");
        assertThrows(IllegalArgumentException.class, () -> store.createPool(Pool.of("a", "10.66.0.0/16", 60), stored -> { }),
                "a name that exists");
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

    // ---------------------------------------------------------------- pool definitions (SPI 2.0)

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
}

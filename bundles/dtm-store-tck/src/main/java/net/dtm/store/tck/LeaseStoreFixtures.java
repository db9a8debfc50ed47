package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
 * What the lease store contracts share: the store's life cycle ({@link StoreContract}), instants,
 * addresses, pools of every kind, a race of threads, bulk binding and paging, and the table of
 * bindings {@code countLeases} must classify. Not a suite itself: {@link LeaseStoreContract} is.
 */
public abstract class LeaseStoreFixtures extends StoreContract<LeaseStore> {

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

    protected Pool v4Pool(String name) {
        Pool p = Pool.of(name, "10.64.0.0/16", 3600);
        store.createPool(p);
        return p;
    }

    protected Pool v6Pool(String name) {
        Pool p = Pool.of(name, "fd00:64::/64", 3600);
        store.createPool(p);
        return p;
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

    protected static Comparator<InetAddress> byAddress() {
        return Comparator.comparing(a -> new BigInteger(1, a.getAddress()));
    }

    /** Binds one device per address, inserted in the given (unsorted) order; returns them by address. */
    protected List<Lease> bindAll(String pool, List<String> addresses) {
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
    protected List<Lease> pageThrough(String pool, int limit, int expectedTotal) {
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
}

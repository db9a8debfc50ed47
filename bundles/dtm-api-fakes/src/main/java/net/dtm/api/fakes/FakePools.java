package net.dtm.api.fakes;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;

/**
 * The pool service over a list: pools in name order, leases in address order, and the
 * validation the real pool manager does (name, overlap, assignable address, holder).
 * {@link #changes} counts successful writes so tests can check that a refusal changed nothing.
 * Leases are judged at the fixed instant {@link #NOW}; the writes it makes name the node "fake".
 * Allocation, confirm and renew are not faked: they throw INTERNAL.
 */
public final class FakePools implements AddressPoolAdminService {
    public static final Instant NOW = Instant.parse("2030-01-01T09:00:00Z");
    public static final Duration QUARANTINE = Duration.ofMinutes(10);

    public final Map<String, Pool> pools = new TreeMap<>();
    public final List<Lease> leases = new ArrayList<>();
    public final Map<String, PoolStats> exhaustion = new HashMap<>();
    public int changes;
    /** When set, every query of leases or stats and every write throws it (a store outage). */
    public RuntimeException failure;
    /** Every query the commands sent, for paging tests. */
    public final List<LeaseQuery> queries = new ArrayList<>();

    private static final Comparator<Lease> ORDER = Comparator.comparing(Lease::pool)
            .thenComparing(l -> new BigInteger(1, l.address().getAddress()));

    @Override
    public List<Pool> pools() {
        return List.copyOf(pools.values());
    }

    @Override
    public Optional<Pool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    @Override
    public List<Lease> leases(String pool) {
        return leases.stream().filter(l -> pool == null || l.pool().equals(pool)).sorted(ORDER).toList();
    }

    @Override
    public List<Lease> leases(LeaseQuery q) {
        fail();
        queries.add(q);
        // Keyset paging: (pool, address) of the --after address; addresses are unique across pools.
        Optional<Lease> mark = q.after().map(a -> new Lease(
                q.pool().orElseGet(() -> pools.values().stream().filter(p -> p.prefix().contains(a)).map(Pool::name)
                        .findFirst().orElse("")),
                DeviceId.of("mark"), a, LeaseState.BOUND, 0, NOW, "mark"));
        return leases.stream()
                .filter(l -> q.pool().map(l.pool()::equals).orElse(true))
                .filter(l -> q.device().map(l.device()::equals).orElse(true))
                .filter(l -> q.state().map(s -> l.state() == s).orElse(true))
                .filter(l -> q.expired().map(e -> e != l.isActiveAt(NOW)).orElse(true))
                .filter(l -> mark.map(m -> ORDER.compare(l, m) > 0).orElse(true))
                .sorted(ORDER).limit(q.limit()).toList();
    }

    @Override
    public Optional<Lease> lease(String pool, DeviceId device) {
        return leases.stream().filter(l -> l.pool().equals(pool) && l.device().equals(device)).findFirst();
    }

    @Override
    public Optional<Lease> leaseAt(String pool, InetAddress address) {
        return leases.stream().filter(l -> l.pool().equals(pool) && l.address().equals(address)).findFirst();
    }

    @Override
    public long used(String pool) {
        return leases.stream().filter(l -> l.pool().equals(pool) && l.isActiveAt(NOW)).count();
    }

    @Override
    public PoolStats stats(String name) {
        fail();
        Pool pool = pools.get(name);
        if (pool == null) {
            throw new DtmException(DtmException.Reason.NO_POOL, "no pool named " + name);
        }
        long locked = 0;
        long bound = 0;
        long quarantined = 0;
        long reclaimable = 0;
        long reserved = 0;
        for (Lease l : leases) {
            if (!l.pool().equals(name)) {
                continue;
            }
            if (l.isActiveAt(NOW)) {
                if (l.state() == LeaseState.LOCKED) {
                    locked++;
                } else {
                    bound++;
                }
            } else if (l.expiresAt().isAfter(NOW.minus(QUARANTINE))) {
                quarantined++;
            } else {
                reclaimable++;
            }
            reserved += l.reserved() ? 1 : 0;
        }
        PoolStats e = exhaustion.get(name);
        return new PoolStats(pool, pool.capacity(), pool.excludedCount(), locked, bound, quarantined, reclaimable, reserved,
                e == null ? 0 : e.exhaustedEpisodes(), e == null ? Optional.empty() : e.exhaustedSince(),
                e == null ? 0 : e.refusals());
    }

    /** Makes {@link #stats} report exhaustion figures for a pool. */
    public void exhausted(String pool, long episodes, Instant since, long refusals) {
        exhaustion.put(pool, new PoolStats(pools.get(pool), 0, 0, 0, 0, 0, 0, 0, episodes, Optional.ofNullable(since), refusals));
    }

    @Override
    public Pool createPool(Pool pool) {
        fail();
        if (pools.containsKey(pool.name())) {
            throw new IllegalArgumentException("pool " + pool.name() + " exists");
        }
        for (Pool p : pools.values()) {
            if (p.prefix().overlaps(pool.prefix())) {
                throw new IllegalArgumentException("prefix " + pool.prefix() + " overlaps pool " + p.name() + " (" + p.prefix() + ")");
            }
        }
        pools.put(pool.name(), pool);
        changes++;
        return pool;
    }

    @Override
    public Pool updatePool(Pool pool) {
        fail();
        Pool old = pools.get(pool.name());
        if (old == null) {
            throw new IllegalArgumentException("no pool named " + pool.name());
        }
        if (!old.prefix().equals(pool.prefix()) || old.delegatedLength() != pool.delegatedLength()) {
            throw new IllegalArgumentException("the prefix and delegated length of pool " + pool.name() + " cannot change");
        }
        pools.put(pool.name(), pool);
        changes++;
        return pool;
    }

    @Override
    public boolean deletePool(String name) {
        fail();
        if (pools.remove(name) == null) {
            return false;
        }
        leases.removeIf(l -> l.pool().equals(name));
        changes++;
        return true;
    }

    @Override
    public Lease allocate(String pool, DeviceId device) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease allocate(String pool, DeviceId device, InetAddress hint) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease confirm(String pool, DeviceId device) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease renew(String pool, DeviceId device) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        throw new DtmException(DtmException.Reason.INTERNAL, "not in this fake");
    }

    @Override
    public boolean release(String pool, DeviceId device) {
        fail();
        Optional<Lease> l = lease(pool, device);
        l.ifPresent(old -> replace(old, old.with(LeaseState.RELEASED, old.sequence() + 1, NOW, "fake")));
        return l.isPresent();
    }

    @Override
    public Lease reserve(String pool, DeviceId device, InetAddress address) {
        fail();
        Pool p = pools.get(pool);
        if (p == null) {
            throw new DtmException(DtmException.Reason.NO_POOL, "no pool named " + pool);
        }
        if (!p.isAssignable(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not assignable in pool " + pool);
        }
        Optional<Lease> holder = leaseAt(pool, address);
        if (holder.isPresent() && !holder.get().device().equals(device)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is held by device " + holder.get().device());
        }
        Optional<Lease> own = lease(pool, device);
        Lease reserved;
        if (own.isPresent() && own.get().address().equals(address)) {
            reserved = own.get().withReserved(true, "fake");
            replace(own.get(), reserved);
        } else {
            own.ifPresent(leases::remove);
            reserved = new Lease(pool, device, address, LeaseState.RELEASED, 1, NOW, "fake", true);
            leases.add(reserved);
            changes++;
        }
        return reserved;
    }

    @Override
    public boolean unreserve(String pool, DeviceId device) {
        fail();
        Optional<Lease> own = lease(pool, device).filter(Lease::reserved);
        own.ifPresent(l -> replace(l, l.withReserved(false, "fake")));
        return own.isPresent();
    }

    private void fail() {
        if (failure != null) {
            throw failure;
        }
    }

    private void replace(Lease old, Lease now) {
        leases.set(leases.indexOf(old), now);
        changes++;
    }

    public void addLease(String pool, String device, String address, LeaseState state, long seq) throws Exception {
        addLease(pool, device, address, state, seq, Instant.parse("2030-01-01T10:00:00Z"), false);
    }

    public void addLease(String pool, String device, String address, LeaseState state, long seq, Instant expires, boolean reserved)
            throws Exception {
        leases.add(new Lease(pool, DeviceId.of(device), InetAddress.getByName(address), state, seq, expires, "node-a", reserved));
    }
}

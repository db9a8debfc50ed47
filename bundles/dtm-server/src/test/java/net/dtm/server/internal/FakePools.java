package net.dtm.server.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.LeaseQuery;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;

/** A small in-memory pool manager with the semantics of the real one (sticky, lock, confirm). */
final class FakePools implements AddressPoolAdminService {

    private final Clock clock;
    private final Map<String, Pool> pools = new HashMap<>();
    private final Map<String, Map<DeviceId, Lease>> leases = new HashMap<>();

    /** While true, pool reads and creation fail as an unreachable store does. */
    volatile boolean unavailable;

    FakePools(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized List<Pool> pools() {
        return new ArrayList<>(pools.values());
    }

    @Override
    public synchronized Optional<Pool> pool(String name) {
        failIfUnavailable();
        return Optional.ofNullable(pools.get(name));
    }

    @Override
    public synchronized List<Lease> leases(String pool) {
        List<Lease> out = new ArrayList<>();
        leases.forEach((p, m) -> {
            if (pool == null || pool.equals(p)) {
                out.addAll(m.values());
            }
        });
        out.sort(Comparator.comparing(l -> l.address().getHostAddress()));
        return out;
    }

    @Override
    public synchronized Optional<Lease> lease(String pool, DeviceId device) {
        return Optional.ofNullable(leases.getOrDefault(pool, Map.of()).get(device));
    }

    @Override
    public synchronized long used(String pool) {
        return leases.getOrDefault(pool, Map.of()).size();
    }

    @Override
    public synchronized Pool createPool(Pool pool) {
        failIfUnavailable();
        if (pools.putIfAbsent(pool.name(), pool) != null) {
            throw new IllegalArgumentException("pool " + pool.name() + " exists");
        }
        leases.put(pool.name(), new HashMap<>());
        return pool;
    }

    @Override
    public synchronized boolean deletePool(String name) {
        leases.remove(name);
        return pools.remove(name) != null;
    }

    @Override
    public synchronized Lease allocate(String poolName, DeviceId device) {
        Pool pool = pools.get(poolName);
        if (pool == null) {
            throw new DtmException(Reason.NO_POOL, "pool " + poolName + " does not exist");
        }
        Map<DeviceId, Lease> m = leases.get(poolName);
        Instant lockUntil = Instant.now(clock).plus(Duration.ofSeconds(30));
        Lease existing = m.get(device);
        if (existing != null) {
            Lease again = existing.state() == LeaseState.BOUND && existing.isActiveAt(Instant.now(clock)) ? existing
                    : existing.with(LeaseState.LOCKED, existing.sequence() + 1, lockUntil, "fake");
            m.put(device, again);
            return again;
        }
        for (long offset = pool.firstHostOffset(); offset < pool.endHostOffset(); offset++) {
            InetAddress address = pool.addressAt(offset);
            if (m.values().stream().noneMatch(l -> l.address().equals(address))) {
                Lease lease = new Lease(poolName, device, address, LeaseState.LOCKED, 1, lockUntil, "fake");
                m.put(device, lease);
                return lease;
            }
        }
        throw new DtmException(Reason.POOL_EXHAUSTED, "pool " + poolName + " exhausted (" + pool.capacity() + " addresses)");
    }

    @Override
    public Lease allocate(String pool, DeviceId device, InetAddress hint) {
        return allocate(pool, device);
    }

    /** The first pool by name that serves the device (the fake has no specificity order). */
    @Override
    public synchronized Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
        return pools.values().stream().filter(p -> p.serves(device, type)).map(Pool::name).sorted().findFirst()
                .map(name -> allocate(name, device))
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "no pool serves device " + device));
    }

    @Override
    public synchronized List<Lease> leases(LeaseQuery query) {
        throw new UnsupportedOperationException("not used by the request handler");
    }

    @Override
    public synchronized Optional<Lease> leaseAt(String pool, InetAddress address) {
        return leases.getOrDefault(pool, Map.of()).values().stream().filter(l -> l.address().equals(address)).findFirst();
    }

    @Override
    public PoolStats stats(String pool) {
        throw new UnsupportedOperationException("not used by the request handler");
    }

    @Override
    public Pool updatePool(Pool pool) {
        throw new UnsupportedOperationException("not used by the request handler");
    }

    @Override
    public Lease reserve(String pool, DeviceId device, InetAddress address) {
        throw new UnsupportedOperationException("not used by the request handler");
    }

    @Override
    public boolean unreserve(String pool, DeviceId device) {
        throw new UnsupportedOperationException("not used by the request handler");
    }

    @Override
    public synchronized Lease confirm(String pool, DeviceId device) {
        Lease l = lease(pool, device).orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no lease"));
        Lease bound = l.with(LeaseState.BOUND, l.sequence() + 1,
                Instant.now(clock).plusSeconds(pools.get(pool).leaseSeconds()), "fake");
        leases.get(pool).put(device, bound);
        return bound;
    }

    @Override
    public synchronized Lease renew(String pool, DeviceId device) {
        Lease l = lease(pool, device).orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no lease"));
        if (l.state() != LeaseState.BOUND) {
            throw new DtmException(Reason.UNKNOWN_LEASE, "lease not bound");
        }
        Lease renewed = l.with(LeaseState.BOUND, l.sequence() + 1,
                Instant.now(clock).plusSeconds(pools.get(pool).leaseSeconds()), "fake");
        leases.get(pool).put(device, renewed);
        return renewed;
    }

    @Override
    public synchronized boolean release(String pool, DeviceId device) {
        Lease l = lease(pool, device).orElse(null);
        if (l == null) {
            return false;
        }
        leases.get(pool).put(device, l.with(LeaseState.RELEASED, l.sequence() + 1, Instant.now(clock), "fake"));
        return true;
    }

    @Override
    public synchronized Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        requireQuoted(pool, device, quotedAddress, quotedSequence, false);
        return confirm(pool, device);
    }

    @Override
    public synchronized Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        requireQuoted(pool, device, quotedAddress, quotedSequence, false);
        return renew(pool, device);
    }

    @Override
    public synchronized boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        requireQuoted(pool, device, quotedAddress, quotedSequence, true);
        return release(pool, device);
    }

    /** The real manager's quote check: the lease the device names, by address (or inner address) and sequence. */
    private void requireQuoted(String pool, DeviceId device, InetAddress address, long sequence, boolean releasedOk) {
        Lease lease = lease(pool, device)
                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no lease of device " + device + " in pool " + pool));
        InetAddress inner = pool(pool).map(p -> p.innerAddress(lease.address())).orElse(null);
        if (!lease.isQuotedBy(address, inner, sequence) || (!releasedOk && lease.state() == LeaseState.RELEASED)) {
            throw DtmException.staleQuote(lease, address, sequence);
        }
    }

    private void failIfUnavailable() {
        if (unavailable) {
            throw new net.dtm.api.DtmException(net.dtm.api.DtmException.Reason.STORE_UNAVAILABLE, "store unavailable: fake");
        }
    }
}

package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The address pool manager: allocation, locking, confirmation, renewal with lease caching, release
 * and reclamation, over any {@link LeaseStore}.
 * <p>
 * <b>Allocation.</b> Sticky first: a device that still has a binding in the pool gets that address
 * again. An active binding (LOCKED or BOUND, not expired) is returned unchanged, so several servers
 * answering the same request all hand out the same lease without fighting over it; a RELEASED or
 * expired one is re-issued with a compare-and-set update (sequence + 1, LOCKED for the lock time).
 * Otherwise a free offset is taken from the pool's in-memory {@link FreeIndex} (O(1), independent
 * of pool size and fill) and locked with {@link LeaseStore#tryBind}: the store is the arbiter, the
 * index only a hint, so an address another node took (ADDRESS_TAKEN) is skipped. When the index
 * runs dry it is rebuilt from the store (addresses other nodes freed), then bindings of other
 * devices that expired or were released more than the quarantine time ago are reclaimed (oldest
 * first, at most {@value #RECLAIM_BATCH} per sweep, each with a compare-and-set remove). Only then
 * is the pool reported exhausted; while it is, the store is rescanned at most once per
 * {@link #RESCAN_INTERVAL}.
 * <p>
 * <b>Renewal.</b> Like a DHCP server's lease cache, a renewal writes to the store only when no
 * more than {@code renewWriteThreshold × leaseTime} remains (so 1 writes every renewal, 0 only
 * revives expired leases); otherwise the device is told the expiry
 * already stored (which is still far enough away) and nothing is written.
 * <p>
 * <b>Concurrency.</b> Requests for different devices run in parallel; requests for one device are
 * serialised on a striped lock. No pool-wide lock is held around store I/O.
 */
public class PoolManager implements AddressPoolAdminService {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Most bindings reclaimed in one sweep: reclaim on demand, keep affinity for the rest. */
    static final int RECLAIM_BATCH = 64;
    /** Least time between two store rescans of an exhausted pool. */
    static final Duration RESCAN_INTERVAL = Duration.ofSeconds(1);

    private static final int STRIPES = 256;
    private static final int CAS_ATTEMPTS = 5;

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final Duration lockTime;
    private final double renewWriteThreshold;
    private final Duration quarantine;
    private final ConcurrentHashMap<String, PoolState> states = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Object poolAdmin = new Object();

    /** A manager without reclamation quarantine. */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, Duration lockTime, double renewWriteThreshold) {
        this(store, nodeId, clock, lockTime, renewWriteThreshold, Duration.ZERO);
    }

    /**
     * @param store               where pools and leases live
     * @param nodeId              this server node, written into every binding it changes
     * @param clock               time source
     * @param lockTime            how long an offered, unconfirmed address stays locked
     * @param renewWriteThreshold a renewal writes only if less than this fraction of the lease time
     *                            remains (0..1; 1 writes on every renewal)
     * @param quarantine          how long after expiry or release an address stays with its
     *                            device before it may go to another one
     */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, Duration lockTime, double renewWriteThreshold,
                       Duration quarantine) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lockTime = Objects.requireNonNull(lockTime, "lockTime");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
        if (lockTime.isNegative() || lockTime.isZero()) {
            throw new IllegalArgumentException("lock time must be positive, got " + lockTime);
        }
        if (!(renewWriteThreshold >= 0 && renewWriteThreshold <= 1)) {
            throw new IllegalArgumentException("renew write threshold must be within 0..1, got " + renewWriteThreshold);
        }
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine must not be negative, got " + quarantine);
        }
        this.renewWriteThreshold = renewWriteThreshold;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Per-pool in-memory state. */
    private static final class PoolState {
        final Pool pool;
        final FreeIndex free;
        final AtomicBoolean exhausted = new AtomicBoolean();
        volatile Instant lastScan = Instant.MIN;

        PoolState(Pool pool, FreeIndex free) {
            this.pool = pool;
            this.free = free;
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Pool> pools() {
        return guarded("list pools", () -> {
            List<Pool> out = new ArrayList<>(store.pools());
            out.sort(Comparator.comparing(Pool::name));
            return out;
        });
    }

    @Override
    public Optional<Pool> pool(String name) {
        return guarded("read pool " + name, () -> store.pool(name));
    }

    @Override
    public List<Lease> leases(String pool) {
        return guarded("list leases", () -> {
            if (pool != null) {
                return store.leases(pool);
            }
            List<Lease> all = new ArrayList<>();
            for (Pool p : pools()) {
                all.addAll(store.leases(p.name()));
            }
            return all;
        });
    }

    @Override
    public Optional<Lease> lease(String pool, DeviceId device) {
        return guarded("read lease of " + device, () -> store.findByDevice(pool, device));
    }

    @Override
    public long used(String pool) {
        return guarded("count leases of pool " + pool, () -> {
            Instant now = clock.instant();
            return store.leases(pool).stream().filter(l -> l.isActiveAt(now)).count();
        });
    }

    // ------------------------------------------------------------------ pools

    /**
     * {@inheritDoc}
     * <p>
     * The overlap check is made against the pools in the store; two nodes creating overlapping
     * pools at the same instant are not detected (pool creation is a rare operator action).
     */
    @Override
    public Pool createPool(Pool pool) {
        Objects.requireNonNull(pool, "pool");
        return guarded("create pool " + pool.name(), () -> {
            synchronized (poolAdmin) {
                for (Pool p : store.pools()) {
                    if (p.name().equals(pool.name())) {
                        throw new IllegalArgumentException("pool " + pool.name() + " already exists (" + p.prefix() + ")");
                    }
                    if (p.prefix().overlaps(pool.prefix())) {
                        throw new IllegalArgumentException("pool " + pool.name() + ": prefix " + pool.prefix()
                                + " overlaps pool " + p.name() + " (" + p.prefix() + ")");
                    }
                }
                store.createPool(pool);
                states.put(pool.name(), new PoolState(pool, new FreeIndex(pool.firstHostOffset(), pool.endHostOffset())));
            }
            LOG.info("pool created: pool={} prefix={} lease={}s capacity={} node={}", pool.name(), pool.prefix(),
                    pool.leaseSeconds(), pool.capacity(), nodeId);
            return pool;
        });
    }

    @Override
    public boolean deletePool(String name) {
        return guarded("delete pool " + name, () -> {
            boolean existed;
            synchronized (poolAdmin) {
                existed = store.deletePool(name);
                states.remove(name);
            }
            if (existed) {
                LOG.info("pool deleted: pool={} node={}", name, nodeId);
            }
            return existed;
        });
    }

    /** The pool's state, loaded from the store on first use (after a restart or a pool made by another node). */
    private PoolState state(String name) {
        if (name == null) {
            throw new DtmException(Reason.NO_POOL, "no pool named");
        }
        PoolState s = states.get(name);
        if (s != null) {
            return s;
        }
        Pool pool = store.pool(name)
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "no pool " + name));
        PoolState loaded = new PoolState(pool, scanFree(pool, store.leases(name)));
        PoolState raced = states.putIfAbsent(name, loaded);
        return raced != null ? raced : loaded;
    }

    private static FreeIndex scanFree(Pool pool, List<Lease> leases) {
        long[] used = new long[leases.size()];
        int n = 0;
        for (Lease l : leases) {
            if (pool.prefix().contains(l.address())) {
                used[n++] = pool.prefix().offsetOf(l.address());
            }
        }
        long[] sorted = java.util.Arrays.copyOf(used, n);
        java.util.Arrays.sort(sorted); // already in address order; sorting is cheap insurance
        return FreeIndex.of(pool.firstHostOffset(), pool.endHostOffset(), sorted);
    }

    // ------------------------------------------------------------------ allocation

    @Override
    public Lease allocate(String pool, DeviceId device) {
        Objects.requireNonNull(device, "device");
        return guarded("allocate an address to " + device + " in pool " + pool, () -> {
            PoolState s = state(pool);
            ReentrantLock lock = stripe(pool, device);
            lock.lock();
            try {
                return allocateLocked(s, device);
            } finally {
                lock.unlock();
            }
        });
    }

    private Lease allocateLocked(PoolState s, DeviceId device) {
        String pool = s.pool.name();
        Optional<Lease> existing = store.findByDevice(pool, device);
        if (existing.isPresent()) {
            Lease l = reissue(existing.get());
            if (l != null) {
                return l;
            }
        }
        for (int guard = 0; ; guard++) {
            Instant now = clock.instant();
            OptionalLong offset = s.free.take();
            if (offset.isEmpty()) {
                offset = refill(s, now);
            }
            if (offset.isEmpty()) {
                throw exhausted(s);
            }
            long off = offset.getAsLong();
            InetAddress address = s.pool.prefix().addressAt(off);
            BindResult r;
            try {
                r = store.tryBind(pool, device, address, now.plus(lockTime), nodeId);
            } catch (IllegalArgumentException e) {
                // The pool was deleted behind our back (by another node).
                states.remove(pool, s);
                throw new DtmException(Reason.NO_POOL, "no pool " + pool, e);
            } catch (RuntimeException e) {
                s.free.giveBackFirst(off);
                throw e;
            }
            switch (r.outcome()) {
                case BOUND -> {
                    if (s.exhausted.compareAndSet(true, false)) {
                        LOG.info("pool has free addresses again: pool={} node={}", pool, nodeId);
                    }
                    LOG.debug("address locked: device={} pool={} address={} node={}", device, pool,
                            address.getHostAddress(), nodeId);
                    return r.lease();
                }
                case ADDRESS_TAKEN -> {
                    // Another node holds it: it stays out of our index; try the next one.
                }
                case DEVICE_ALREADY_BOUND -> {
                    s.free.giveBackFirst(off);
                    Lease l = reissue(r.lease());
                    if (l != null) {
                        return l;
                    }
                }
                default -> throw new IllegalStateException("unknown bind outcome " + r.outcome());
            }
            if (guard > 1_000_000) {
                throw new DtmException(Reason.INTERNAL, "allocation in pool " + pool + " did not converge");
            }
        }
    }

    /**
     * Gives the device its existing binding: unchanged if active, re-locked (compare and set) if
     * released or expired. Null if the binding vanished meanwhile (reclaimed by another node).
     */
    private Lease reissue(Lease lease) {
        Lease current = lease;
        for (int attempt = 0; attempt < CAS_ATTEMPTS && current != null; attempt++) {
            Instant now = clock.instant();
            if (current.isActiveAt(now)) {
                return current;
            }
            Lease next = current.with(LeaseState.LOCKED, current.sequence() + 1, now.plus(lockTime), nodeId);
            Optional<Lease> stored = store.update(next, current.sequence());
            if (stored.isPresent()) {
                LOG.debug("address locked again: device={} pool={} address={} node={}", next.device(), next.pool(),
                        next.address().getHostAddress(), nodeId);
                return stored.get();
            }
            current = store.findByDevice(lease.pool(), lease.device()).orElse(null);
        }
        if (current == null) {
            return null;
        }
        throw new DtmException(Reason.STORE_UNAVAILABLE, "lease of device " + lease.device() + " in pool "
                + lease.pool() + " keeps changing under concurrent updates");
    }

    /** The index ran dry: rescan the store, then reclaim. Empty if the pool really is full. */
    private OptionalLong refill(PoolState s, Instant now) {
        if (now.isBefore(s.lastScan.plus(RESCAN_INTERVAL))) {
            return OptionalLong.empty();
        }
        s.lastScan = now;
        String pool = s.pool.name();
        List<Lease> leases = store.leases(pool);
        s.free.replaceWith(scanFree(s.pool, leases));
        OptionalLong offset = s.free.take();
        if (offset.isPresent()) {
            return offset;
        }
        List<Lease> reclaimable = leases.stream()
                .filter(l -> !l.expiresAt().plus(quarantine).isAfter(now))
                .sorted(Comparator.comparing(Lease::expiresAt))
                .limit(RECLAIM_BATCH)
                .toList();
        for (Lease l : reclaimable) {
            // Compare and set: if the device came back meanwhile its sequence moved and this fails.
            if (store.remove(pool, l.device(), l.sequence())) {
                s.free.give(s.pool.prefix().offsetOf(l.address()));
                LOG.info("address reclaimed: pool={} address={} from device={} ({} since {}) node={}", pool,
                        l.address().getHostAddress(), l.device(), l.state(), l.expiresAt(), nodeId);
            }
        }
        return s.free.take();
    }

    private DtmException exhausted(PoolState s) {
        String message = "pool " + s.pool.name() + " exhausted (" + s.pool.capacity() + " addresses)";
        if (s.exhausted.compareAndSet(false, true)) {
            LOG.warn("pool exhausted: pool={} capacity={} node={}: new devices are refused until addresses expire or are released",
                    s.pool.name(), s.pool.capacity(), nodeId);
        }
        return new DtmException(Reason.POOL_EXHAUSTED, message);
    }

    // ------------------------------------------------------------------ confirm / renew / release

    @Override
    public Lease confirm(String pool, DeviceId device) {
        return extend(pool, device, true);
    }

    @Override
    public Lease renew(String pool, DeviceId device) {
        return extend(pool, device, false);
    }

    /**
     * LOCKED → BOUND with the full lease time; BOUND → extended, written only below the renewal
     * threshold. A confirm of a lease that is already BOUND (a retransmitted CONFIRM) behaves like
     * a renewal.
     */
    private Lease extend(String pool, DeviceId device, boolean confirm) {
        Objects.requireNonNull(device, "device");
        String what = (confirm ? "confirm" : "renew") + " the lease of " + device + " in pool " + pool;
        return guarded(what, () -> {
            PoolState s = state(pool);
            Duration leaseTime = Duration.ofSeconds(s.pool.leaseSeconds());
            ReentrantLock lock = stripe(pool, device);
            lock.lock();
            try {
                for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                    Lease l = store.findByDevice(pool, device)
                            .filter(x -> x.state() != LeaseState.RELEASED)
                            .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE,
                                    "device " + device + " has no lease in pool " + pool));
                    Instant now = clock.instant();
                    if (l.state() == LeaseState.BOUND) {
                        Duration remaining = Duration.between(now, l.expiresAt());
                        if (remaining.toNanos() > renewWriteThreshold * leaseTime.toNanos()) {
                            return l; // lease cache: the stored expiry is still far enough away
                        }
                    }
                    Lease next = l.with(LeaseState.BOUND, l.sequence() + 1, now.plus(leaseTime), nodeId);
                    Optional<Lease> stored = store.update(next, l.sequence());
                    if (stored.isPresent()) {
                        if (l.state() == LeaseState.LOCKED) {
                            LOG.info("lease bound: device={} pool={} address={} until={} node={}", device, pool,
                                    next.address().getHostAddress(), next.expiresAt(), nodeId);
                        } else {
                            LOG.debug("lease renewed: device={} pool={} address={} until={} node={}", device, pool,
                                    next.address().getHostAddress(), next.expiresAt(), nodeId);
                        }
                        return stored.get();
                    }
                }
                throw new DtmException(Reason.STORE_UNAVAILABLE, "lease of device " + device + " in pool " + pool
                        + " keeps changing under concurrent updates");
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * {@inheritDoc}
     * <p>
     * The binding stays stored as RELEASED (expiry = release time) so the device gets the same
     * address back later, until the address is reclaimed for another device. Releasing twice is
     * harmless and returns true.
     */
    @Override
    public boolean release(String pool, DeviceId device) {
        Objects.requireNonNull(device, "device");
        return guarded("release the lease of " + device + " in pool " + pool, () -> {
            state(pool);
            ReentrantLock lock = stripe(pool, device);
            lock.lock();
            try {
                for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                    Optional<Lease> found = store.findByDevice(pool, device);
                    if (found.isEmpty()) {
                        return false;
                    }
                    Lease l = found.get();
                    if (l.state() == LeaseState.RELEASED) {
                        return true;
                    }
                    Lease next = l.with(LeaseState.RELEASED, l.sequence() + 1, clock.instant(), nodeId);
                    if (store.update(next, l.sequence()).isPresent()) {
                        LOG.info("lease released: device={} pool={} address={} node={}", device, pool,
                                l.address().getHostAddress(), nodeId);
                        return true;
                    }
                }
                throw new DtmException(Reason.STORE_UNAVAILABLE, "lease of device " + device + " in pool " + pool
                        + " keeps changing under concurrent updates");
            } finally {
                lock.unlock();
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    private ReentrantLock stripe(String pool, DeviceId device) {
        int h = 31 * pool.hashCode() + device.hashCode();
        h ^= (h >>> 16);
        return stripes[h & (STRIPES - 1)];
    }

    /** Turns store failures into {@link Reason#STORE_UNAVAILABLE}. */
    private <T> T guarded(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (StoreUnavailableException e) {
            LOG.warn("store unavailable: cannot {} on node {}: {}", what, nodeId, e.getMessage());
            throw new DtmException(Reason.STORE_UNAVAILABLE, "store unavailable: cannot " + what, e);
        }
    }

    /** Free addresses this node knows of in a pool (diagnostics and tests). */
    long knownFree(String pool) {
        PoolState s = states.get(pool);
        return s == null ? -1 : s.free.size();
    }
}

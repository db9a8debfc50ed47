package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The address pool manager: allocation, locking, confirmation, renewal with lease caching,
 * release, reservations, quarantine and reclamation, over any {@link LeaseStore}.
 * <p>
 * <b>Life cycle.</b> {@code LOCKED} (offered, for the lock time) → {@code BOUND} (confirmed, for
 * the lease time, renewed) → released or expired → quarantined for the configured cool-down →
 * reclaimable. A released or expired binding is not deleted: it keeps the address for its device
 * (affinity), which gets it back on its next establishment. Only when the pool has no free address
 * left are bindings whose quarantine has passed deleted (oldest first, each with a compare-and-set
 * on its sequence, so a device that came back meanwhile keeps its address) and their addresses
 * given to new devices. Every change carries the binding's sequence, so a late or duplicate
 * message can never free an address that has since gone to someone else.
 * <p>
 * <b>Allocation.</b> Sticky first: a device with a binding in the pool gets that address again.
 * An active binding is returned unchanged, so several servers answering the same request all hand
 * out the same lease; an inactive one is re-locked with a compare-and-set. Otherwise the device's
 * previous address (the hint it sends) if that is free, else a free block from the pool's
 * in-memory {@link FreeIndex} (O(1), independent of pool size and fill), locked with
 * {@link LeaseStore#tryBind}: the store is the arbiter, the index only a hint, so an address
 * another node took is skipped. When the index runs dry it is rebuilt from the store's bound
 * addresses (at most once per {@link #RESCAN_INTERVAL}), then reclaimable bindings are reclaimed;
 * only then is the pool reported exhausted, at once and logged once per episode.
 * <p>
 * <b>Renewal.</b> Like a DHCP server's lease cache, a renewal writes to the store only when no
 * more than {@code renewWriteThreshold × leaseTime} remains; otherwise the device is told the
 * expiry already stored and nothing is written.
 * <p>
 * <b>Concurrency.</b> Requests for different devices run in parallel; requests for one device are
 * serialised on a striped lock. No pool-wide lock is held around store I/O.
 * <p>
 * <b>Cluster.</b> Given a {@link Cluster} (see {@link #PoolManager(LeaseStore, String, Clock,
 * PoolSettings, Cluster)}):
 * <ul>
 * <li>the node id defaults to {@link Cluster#nodeId()};</li>
 * <li>{@link #sweepIfLeader()} sweeps only while this node holds the housekeeping leadership (every
 * reclaim is a compare-and-set on the binding's sequence, so two sweeps at once never reclaim one
 * binding twice, and an address freed by both is bound by at most one device: {@code tryBind}
 * decides);</li>
 * <li>in a shared cluster (type other than {@code standalone}) each node starts handing out a
 * pool's addresses from its own point, derived from its id, and hops to a random point when
 * another node already took an address, so nodes rarely collide on the same free address
 * ({@link #counters()} {@code allocate.address-taken});</li>
 * </ul>
 * Degraded renewals, with or without a cluster: when a CONFIRM (of a bound lease) or RENEW hits
 * {@link StoreUnavailableException} and the device quotes a BOUND lease this node answered before
 * that is still active, the device is told that lease, never extended and cut to the outage's
 * start plus the quarantine (another node may have released it since, and the leader reclaim it
 * one quarantine later), and {@code renewed.degraded} is
 * counted. A LOCKED lease or an unknown device still gets {@code store-unavailable}. Stores that
 * implement {@link PoolWatch} (shared stores) invalidate this node's cached pool list and the
 * changed pool's free index at once when any node changes a pool; call {@link #close()} to stop
 * listening.
 */
public class PoolManager implements AddressPoolAdminService {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Most bindings reclaimed in one sweep: reclaim on demand, keep affinity for the rest. */
    static final int RECLAIM_BATCH = 64;
    /** Least time between two store rescans of an exhausted pool. */
    static final Duration RESCAN_INTERVAL = Duration.ofSeconds(1);
    /** How long the list of pools used for pool selection is cached. */
    static final Duration POOL_LIST_TTL = Duration.ofSeconds(1);

    private static final int STRIPES = 256;
    private static final int CAS_ATTEMPTS = 5;
    /** Most LOCKED bindings remembered for their CONFIRM. */
    private static final int RECENT_MAX = 65_536;
    /** Most BOUND leases remembered for renewals while the store is unavailable. */
    static final int KNOWN_MAX = 200_000;

    /** Set by the first store failure of an outage, cleared by the next success: one WARN per outage. */
    private final AtomicBoolean storeDown = new AtomicBoolean();
    /** When the current outage began (the first failure); stale once {@link #storeDown} is false. */
    private volatile Instant downSince;
    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final PoolSettings settings;
    private final int[] warnPercent;
    private final ConcurrentHashMap<String, PoolState> states = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Object poolAdmin = new Object();
    private volatile CachedPools cachedPools = new CachedPools(List.of(), Instant.MIN);
    /** Held by the one thread re-reading an expired pool list. */
    private final AtomicBoolean refreshingPools = new AtomicBoolean();
    /** Orders replacing {@link #cachedPools}: a list read before a pool changed never replaces the emptied one. */
    private final Object poolListLock = new Object();
    /** LOCKED bindings this node wrote and not yet saw confirmed: the CONFIRM needs no read. */
    private final BoundedMap<LeaseKey, Lease> recent = new BoundedMap<>(RECENT_MAX);
    /** BOUND leases this node answered last, for renewals while the store is unavailable. */
    private final BoundedMap<LeaseKey, Lease> known = new BoundedMap<>(KNOWN_MAX);
    /** This node's cluster membership, or null (a standalone node). */
    private final Cluster cluster;
    /** Whether allocation starts at a node-specific point of each pool (nodes sharing a store). */
    private final boolean spread;
    private final AtomicLong renewedDegraded = new AtomicLong();
    private final AtomicLong addressTaken = new AtomicLong();
    private final AtomicLong poolChanges = new AtomicLong();
    private final Consumer<String> poolListener = this::poolChanged;
    /** Told of every binding this node reclaims, on the reclaiming thread; must not block. */
    private final java.util.List<Consumer<Lease>> reclaimListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record LeaseKey(String pool, DeviceId device) {
    }

    private record CachedPools(List<Pool> pools, Instant readAt) {
    }

    /** A manager without reclamation quarantine and without utilisation warnings. */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, Duration lockTime, double renewWriteThreshold) {
        this(store, nodeId, clock, lockTime, renewWriteThreshold, Duration.ZERO);
    }

    /** A manager with a quarantine and without utilisation warnings. */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, Duration lockTime, double renewWriteThreshold,
                       Duration quarantine) {
        this(store, nodeId, clock, new PoolSettings(lockTime, renewWriteThreshold, quarantine, new int[0]));
    }

    /**
     * @param store    where pools and leases live
     * @param nodeId   this server node, written into every binding it changes
     * @param clock    time source
     * @param settings lock time, renewal threshold, quarantine, utilisation warnings
     */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, PoolSettings settings) {
        this(store, nodeId, clock, settings, null);
    }

    /**
     * A manager of a cluster node.
     *
     * @param store    where pools and leases live (a {@link PoolWatch} too if shared)
     * @param nodeId   this server node; null or blank means {@code cluster.nodeId()}
     * @param clock    time source
     * @param settings lock time, renewal threshold, quarantine, utilisation warnings
     * @param cluster  this node's membership; null means a standalone node (always leader)
     */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, PoolSettings settings, Cluster cluster) {
        this.store = Objects.requireNonNull(store, "store");
        this.cluster = cluster;
        this.nodeId = nodeId != null && !nodeId.isBlank() ? nodeId.trim()
                : cluster != null ? cluster.nodeId() : Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.warnPercent = settings.warnPercent();
        if (this.nodeId == null || this.nodeId.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
        this.spread = cluster != null && !"standalone".equals(cluster.type());
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        if (store instanceof PoolWatch watch) {
            watch.addPoolListener(poolListener);
        }
    }

    /** Stops listening to the store's pool changes. */
    public void close() {
        if (store instanceof PoolWatch watch) {
            watch.removePoolListener(poolListener);
        }
    }

    /** This node's id, written into the bindings it changes. */
    public String nodeId() {
        return nodeId;
    }

    /** Throws the cached pool list away: the next selection reads it again. */
    private void forgetPoolList() {
        synchronized (poolListLock) {
            cachedPools = new CachedPools(List.of(), Instant.MIN);
        }
    }

    /** A pool changed on some node: forget its loaded state and the pool list; both reload on next use. */
    private void poolChanged(String name) {
        poolChanges.incrementAndGet();
        forgetPoolList();
        if (name != null) {
            states.remove(name);
        }
        LOG.debug("pool changed in the store: pool={} reloaded on next use node={}", name, nodeId);
    }

    /**
     * This manager's counters: {@code renewed.degraded} (renewals answered from memory while the
     * store was unavailable), {@code allocate.address-taken} (free addresses found taken by another
     * node or a reservation: each is one failed store transaction), {@code pool.changes} (pool
     * change notifications from a shared store), {@code known.leases} (bound leases remembered for
     * degraded renewals).
     */
    public java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        out.put("allocate.address-taken", addressTaken.get());
        out.put("known.leases", (long) known.size());
        out.put("pool.changes", poolChanges.get());
        out.put("renewed.degraded", renewedDegraded.get());
        return out;
    }

    /** Renewals answered from memory while the store was unavailable. */
    public long renewedDegraded() {
        return renewedDegraded.get();
    }

    /** Free addresses found already taken when trying to lock them. */
    public long addressTaken() {
        return addressTaken.get();
    }

    /** The free index of a pool, starting at this node's point of the pool in a shared cluster. */
    private FreeIndex index(Pool pool, long[] usedAscending, int usedCount) {
        FreeIndex index = FreeIndex.of(pool.firstHostOffset(), pool.endHostOffset(), usedAscending, usedCount,
                pool.excludedBlocks());
        if (spread) {
            index.rotateTo(startOffset(pool, nodeId));
        }
        return index;
    }

    /** Where a node starts handing out a pool's blocks: spread over the pool by a hash of its id. */
    static long startOffset(Pool pool, String nodeId) {
        long first = pool.firstHostOffset();
        long span = pool.endHostOffset() - first;
        if (span <= 1) {
            return first;
        }
        long h = (nodeId + "/" + pool.name()).hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return first + Math.floorMod(h, span);
    }

    /** Per-pool in-memory state of this node. */
    private static final class PoolState {
        final Pool pool;
        final FreeIndex free;
        /** Blocks that can be handed out dynamically: capacity minus excluded. */
        final long dynamic;
        volatile Instant lastScan = Instant.MIN;
        /** Start of the exhaustion episode going on, or null. */
        volatile Instant exhaustedSince;
        final AtomicLong episodes = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        /** How many of the warning thresholds the utilisation is at or above. */
        int warnLevel;

        PoolState(Pool pool, FreeIndex free) {
            this.pool = pool;
            this.free = free;
            this.dynamic = pool.capacity() - pool.excludedCount();
        }
    }

    /** The settings this manager runs with. */
    public PoolSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Pool> pools() {
        return guarded("list pools", () -> {
            return store.pools(); // by name, as the store SPI promises
        });
    }

    /** Served from a list of pools at most {@link #POOL_LIST_TTL} old (changes made on this node show at once). */
    @Override
    public Optional<Pool> pool(String name) {
        return guarded("read pool " + name, false, () -> {
            for (Pool p : poolsForSelection()) {
                if (p.name().equals(name)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        });
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
    public List<Lease> leases(LeaseQuery query) {
        Objects.requireNonNull(query, "query");
        return guarded("list leases", () -> {
            List<Pool> scope = query.pool().isPresent()
                    ? List.of(store.pool(query.pool().get()).orElseThrow(
                            () -> new DtmException(Reason.NO_POOL, "no pool " + query.pool().get())))
                    : pools();
            Instant now = clock.instant();
            List<Lease> out = new ArrayList<>();
            if (query.device().isPresent()) {
                for (Pool p : scope) {
                    store.findByDevice(p.name(), query.device().get()).filter(l -> matches(query, l, now)).ifPresent(out::add);
                }
                return out;
            }
            int start = 0;
            InetAddress cursor = query.after().orElse(null);
            if (cursor != null) {
                while (start < scope.size() && !scope.get(start).prefix().contains(cursor)) {
                    start++;
                }
                if (start == scope.size()) {
                    throw new IllegalArgumentException("address " + cursor.getHostAddress() + " is in no pool"
                            + query.pool().map(p -> " named " + p).orElse(""));
                }
            }
            for (int i = start; i < scope.size() && out.size() < query.limit(); i++, cursor = null) {
                String pool = scope.get(i).name();
                while (out.size() < query.limit()) {
                    List<Lease> page = store.leases(pool, cursor, query.limit());
                    for (Lease l : page) {
                        if (matches(query, l, now) && out.size() < query.limit()) {
                            out.add(l);
                        }
                    }
                    if (page.size() < query.limit()) {
                        break;
                    }
                    cursor = page.get(page.size() - 1).address();
                }
            }
            return out;
        });
    }

    private static boolean matches(LeaseQuery q, Lease l, Instant now) {
        return q.state().map(s -> s == l.state()).orElse(true)
                && q.expired().map(e -> e == !l.isActiveAt(now)).orElse(true);
    }

    @Override
    public Optional<Lease> lease(String pool, DeviceId device) {
        return guarded("read lease of " + device, () -> store.findByDevice(pool, device));
    }

    @Override
    public Optional<Lease> leaseAt(String pool, InetAddress address) {
        return guarded("read lease of " + address, () -> store.findByAddress(pool, address));
    }

    @Override
    public long used(String pool) {
        return guarded("count leases of pool " + pool, () -> {
            Instant now = clock.instant();
            LeaseCounts c = store.countLeases(pool, now, now.minus(settings.quarantine()));
            return c.locked() + c.bound();
        });
    }

    @Override
    public PoolStats stats(String pool) {
        return guarded("count leases of pool " + pool, () -> {
            PoolState s = state(pool);
            Instant now = clock.instant();
            LeaseCounts c = store.countLeases(pool, now, now.minus(settings.quarantine()));
            return new PoolStats(s.pool, s.pool.capacity(), s.pool.excludedCount(), c.locked(), c.bound(),
                    c.quarantined(), c.reclaimable(), c.reserved(), s.episodes.get(),
                    Optional.ofNullable(s.exhaustedSince), s.refusals.get());
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
                states.put(pool.name(), new PoolState(pool, index(pool, new long[0], 0)));
                forgetPoolList();
            }
            LOG.info("pool created: pool={} prefix={} hands.out={} lease={}s capacity={} excluded={} rule={} node={}",
                    pool.name(), pool.prefix(), handsOut(pool), pool.leaseSeconds(), pool.capacity(), pool.excludedCount(),
                    rule(pool), nodeId);
            return pool;
        });
    }

    @Override
    public Pool updatePool(Pool pool) {
        Objects.requireNonNull(pool, "pool");
        return guarded("update pool " + pool.name(), () -> {
            synchronized (poolAdmin) {
                Pool old = store.pool(pool.name())
                        .orElseThrow(() -> new IllegalArgumentException("there is no pool " + pool.name()));
                if (!old.prefix().equals(pool.prefix()) || old.delegatedLength() != pool.delegatedLength()) {
                    throw new IllegalArgumentException("pool " + pool.name() + " is " + old.prefix() + " handing out "
                            + handsOut(old) + "; its prefix and delegated length cannot change (delete and re-create the pool)");
                }
                store.updatePool(pool);
                states.remove(pool.name()); // reloaded with the new exclusions on next use
                forgetPoolList();
            }
            LOG.info("pool updated: pool={} lease={}s excluded={} rule={} node={}", pool.name(), pool.leaseSeconds(),
                    pool.excluded(), rule(pool), nodeId);
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
                forgetPoolList();
            }
            if (existed) {
                LOG.info("pool deleted: pool={} node={}", name, nodeId);
            }
            return existed;
        });
    }

    private static String handsOut(Pool p) {
        return p.delegatesPrefixes() ? "/" + p.delegatedLength() + " prefixes" : "addresses";
    }

    private static String rule(Pool p) {
        return (p.devicePatterns().isEmpty() ? "all devices" : "devices " + String.join(",", p.devicePatterns()))
                + (p.tunnelTypes().isEmpty() ? "" : " with " + p.tunnelTypes());
    }

    /**
     * Loads every pool's free index from the store now rather than on first use, as a node does
     * when it starts. @return the number of pools loaded
     */
    public int loadAll() {
        return guarded("load pools", () -> {
            int n = 0;
            for (Pool p : store.pools()) {
                state(p.name());
                n++;
            }
            return n;
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
        PoolState loaded = new PoolState(pool, scanFree(pool));
        updateWarnLevel(loaded);
        PoolState raced = states.putIfAbsent(name, loaded);
        return raced != null ? raced : loaded;
    }

    /** The pool's free blocks: everything minus bound addresses and excluded ranges. O(bindings). */
    private FreeIndex scanFree(Pool pool) {
        long[][] used = {new long[1024]};
        int[] n = {0};
        store.forEachAddress(pool.name(), address -> {
            if (pool.isAssignable(address)) {
                if (n[0] == used[0].length) {
                    used[0] = Arrays.copyOf(used[0], used[0].length * 2);
                }
                used[0][n[0]++] = pool.offsetOf(address);
            }
        });
        long[] offsets = used[0];
        Arrays.sort(offsets, 0, n[0]); // already ascending from the store; sorting is cheap insurance
        return index(pool, offsets, n[0]);
    }

    // ------------------------------------------------------------------ allocation

    @Override
    public Lease allocate(String pool, DeviceId device) {
        return allocate(pool, device, null);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, InetAddress hint) {
        Objects.requireNonNull(device, "device");
        return guarded("allocate an address to " + device + " in pool " + pool, () -> {
            PoolState s = state(pool);
            return withDeviceLock(pool, device, () -> allocateLocked(s, device, hint));
        });
    }

    @Override
    public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
        Objects.requireNonNull(device, "device");
        List<Pool> candidates = guarded("select a pool for " + device, () -> {
            List<Pool> out = new ArrayList<>();
            for (Pool p : poolsForSelection()) {
                if (p.serves(device, type)) {
                    out.add(p);
                }
            }
            out.sort(Comparator.comparingInt(Pool::specificity).reversed().thenComparing(Pool::name));
            if (out.size() > 1) {
                // Sticky across pools: a pool where the device already has a binding comes first.
                for (int i = 0; i < out.size(); i++) {
                    if (store.findByDevice(out.get(i).name(), device).isPresent()) {
                        out.add(0, out.remove(i));
                        break;
                    }
                }
            }
            return out;
        });
        if (candidates.isEmpty()) {
            throw new DtmException(Reason.NO_POOL, "no pool serves device " + device
                    + (type == null ? "" : " with tunnel type " + type.name().toLowerCase(java.util.Locale.ROOT)));
        }
        DtmException exhausted = null;
        for (Pool p : candidates) {
            try {
                return allocate(p.name(), device, hint);
            } catch (DtmException e) {
                if (e.reason() != Reason.POOL_EXHAUSTED && e.reason() != Reason.NO_POOL) {
                    throw e;
                }
                exhausted = exhausted == null ? e : exhausted;
            }
        }
        throw exhausted;
    }

    /**
     * The pool list, re-read when older than {@link #POOL_LIST_TTL}. An expired list is re-read by
     * one thread while the others go on with it (so a busy node reads the list once a second, not
     * once per request thread); a list thrown away because a pool changed is re-read by whoever
     * needs it. A list read while a pool changed is used for its call and not kept.
     */
    private List<Pool> poolsForSelection() {
        CachedPools c = cachedPools;
        Instant now = clock.instant();
        if (c.readAt.plus(POOL_LIST_TTL).isAfter(now) && !c.readAt.isAfter(now)) {
            return c.pools;
        }
        boolean invalidated = c.readAt.equals(Instant.MIN);
        if (!invalidated && !refreshingPools.compareAndSet(false, true)) {
            return c.pools;
        }
        try {
            return readPoolsForSelection(c, now);
        } finally {
            if (!invalidated) {
                refreshingPools.set(false);
            }
        }
    }

    private List<Pool> readPoolsForSelection(CachedPools c, Instant now) {
        List<Pool> fresh;
        try {
            fresh = List.copyOf(store.pools());
        } catch (StoreUnavailableException e) {
            // Degraded: answer from what this node knew (renewals still need their pool's definition).
            if (!c.pools.isEmpty()) {
                return c.pools;
            }
            List<Pool> loaded = new ArrayList<>();
            states.values().forEach(st -> loaded.add(st.pool));
            if (loaded.isEmpty()) {
                throw e;
            }
            loaded.sort(Comparator.comparing(Pool::name));
            return loaded;
        }
        synchronized (poolListLock) {
            if (cachedPools == c) {
                cachedPools = new CachedPools(fresh, now);
            }
        }
        return fresh;
    }

    private Lease allocateLocked(PoolState s, DeviceId device, InetAddress hint) {
        String pool = s.pool.name();
        // A device that quotes no previous address and that this node has not just offered one is
        // most likely new: skip the read; tryBind finds an existing binding anyway
        // (DEVICE_ALREADY_BOUND) and it is then reissued.
        boolean likelyNew = hint == null && !recent.containsKey(new LeaseKey(pool, device));
        Optional<Lease> existing = likelyNew ? Optional.empty() : store.findByDevice(pool, device);
        if (existing.isPresent()) {
            Lease l = reissue(s, existing.get());
            if (l != null) {
                return l;
            }
        }
        if (hint != null && s.pool.delegatesPrefixes() && s.pool.prefix().contains(hint)) {
            hint = s.pool.addressAt(s.pool.offsetOf(hint)); // the device quotes an address inside its old prefix
        }
        if (hint != null && s.pool.isAssignable(hint) && !s.pool.isExcluded(hint)) {
            Instant now = clock.instant();
            BindResult r = store.tryBind(new Lease(pool, device, hint, LeaseState.LOCKED, 1, now.plus(settings.lockTime()),
                    nodeId));
            if (r.outcome() == BindResult.Outcome.BOUND) {
                // The block stays in the index as a stale hint; tryBind skips it when it comes up.
                return bound(s, r.lease(), "its previous address");
            }
            if (r.outcome() == BindResult.Outcome.DEVICE_ALREADY_BOUND) {
                Lease l = reissue(s, r.lease());
                if (l != null) {
                    return l;
                }
            }
        }
        for (int guard = 0; ; guard++) {
            Instant now = clock.instant();
            OptionalLong offset = s.free.take();
            if (offset.isEmpty()) {
                offset = refill(s, now);
            }
            if (offset.isEmpty()) {
                if (likelyNew) {
                    // Not new after all? A full pool still serves the bindings it has.
                    Lease l = store.findByDevice(pool, device).map(found -> reissue(s, found)).orElse(null);
                    if (l != null) {
                        return l;
                    }
                }
                throw exhausted(s, now);
            }
            long off = offset.getAsLong();
            InetAddress address = s.pool.addressAt(off);
            BindResult r;
            try {
                r = store.tryBind(new Lease(pool, device, address, LeaseState.LOCKED, 1, now.plus(settings.lockTime()), nodeId));
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
                    return bound(s, r.lease(), "a free address");
                }
                case ADDRESS_TAKEN -> {
                    // Another node (or a reservation) holds it: it stays out of our index; try the next one.
                    addressTaken.incrementAndGet();
                    if (spread) {
                        // Most likely the run of another node's allocations: go elsewhere.
                        long span = s.pool.endHostOffset() - s.pool.firstHostOffset();
                        if (span > 1) {
                            s.free.rotateTo(s.pool.firstHostOffset() + ThreadLocalRandom.current().nextLong(span));
                        }
                    }
                }
                case DEVICE_ALREADY_BOUND -> {
                    s.free.giveBackFirst(off);
                    Lease l = reissue(s, r.lease());
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

    /** Remembers a LOCKED binding this node just wrote, for the CONFIRM that follows; bounded. */
    private Lease remember(Lease lease) {
        if (lease.state() == LeaseState.LOCKED) {
            recent.put(new LeaseKey(lease.pool(), lease.device()), lease);
        }
        return lease;
    }

    private Lease bound(PoolState s, Lease lease, String what) {
        Instant since = s.exhaustedSince;
        if (since != null) {
            s.exhaustedSince = null;
            LOG.info("pool has free addresses again: pool={} exhausted.since={} refusals={} node={}", s.pool.name(), since,
                    s.refusals.get(), nodeId);
        }
        updateWarnLevel(s);
        LOG.debug("address locked: device={} pool={} address={} ({}) node={}", lease.device(), s.pool.name(),
                s.pool.describe(lease.address()), what, nodeId);
        return remember(lease);
    }

    /**
     * Gives the device its existing binding: unchanged if active, re-locked (compare and set) if
     * released or expired. Null if the binding vanished meanwhile (reclaimed by another node) or
     * its address is now excluded (the binding is then deleted so the device gets another one).
     */
    private Lease reissue(PoolState s, Lease lease) {
        Lease current = lease;
        for (int attempt = 0; attempt < CAS_ATTEMPTS && current != null; attempt++) {
            Instant now = clock.instant();
            if (current.isActiveAt(now)) {
                if (current.state() == LeaseState.BOUND) {
                    know(current);
                }
                return current;
            }
            if (!current.reserved() && s.pool.isExcluded(current.address())) {
                if (store.remove(current.pool(), current.device(), current.sequence())) {
                    LOG.info("binding dropped: device={} pool={} address={} is excluded now node={}", current.device(),
                            current.pool(), current.address().getHostAddress(), nodeId);
                    return null;
                }
            } else {
                Lease next = current.with(LeaseState.LOCKED, current.sequence() + 1, now.plus(settings.lockTime()), nodeId);
                Optional<Lease> stored = store.update(next, current.sequence());
                if (stored.isPresent()) {
                    LOG.debug("address locked again: device={} pool={} address={} node={}", next.device(), next.pool(),
                            next.address().getHostAddress(), nodeId);
                    return remember(stored.get());
                }
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
        s.free.replaceWith(scanFree(s.pool));
        OptionalLong offset = s.free.take();
        if (offset.isPresent()) {
            return offset;
        }
        reclaim(s, now);
        return s.free.take();
    }

    /**
     * Deletes up to {@link #RECLAIM_BATCH} bindings whose quarantine has passed and puts their
     * addresses in the index. @return how many were reclaimed
     */
    private int reclaim(PoolState s, Instant now) {
        String pool = s.pool.name();
        int n = 0;
        for (Lease l : store.reclaimable(pool, now.minus(settings.quarantine()), RECLAIM_BATCH)) {
            // Compare and set: if the device came back meanwhile its sequence moved and this fails.
            if (!l.reserved() && store.remove(pool, l.device(), l.sequence())) {
                n++;
                if (s.pool.isAssignable(l.address()) && !s.pool.isExcluded(l.address())) {
                    s.free.give(s.pool.offsetOf(l.address()));
                }
                LOG.info("address reclaimed: pool={} address={} from device={} ({} since {}) node={}", pool,
                        s.pool.describe(l.address()), l.device(), l.state(), l.expiresAt(), nodeId);
                for (Consumer<Lease> listener : reclaimListeners) {
                    try {
                        listener.accept(l);
                    } catch (RuntimeException e) {
                        LOG.warn("reclaim listener failed: pool={} device={}: {}", pool, l.device(), e.toString());
                    }
                }
            }
        }
        return n;
    }

    /** Calls {@code listener} with every binding this node reclaims (the binding as it was). */
    public void addReclaimListener(Consumer<Lease> listener) {
        reclaimListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeReclaimListener(Consumer<Lease> listener) {
        reclaimListeners.remove(listener);
    }

    private DtmException exhausted(PoolState s, Instant now) {
        s.refusals.incrementAndGet();
        String message = "pool " + s.pool.name() + " exhausted (" + s.pool.capacity() + " addresses)";
        synchronized (s) {
            if (s.exhaustedSince == null) {
                s.exhaustedSince = now;
                s.episodes.incrementAndGet();
                LOG.warn("pool exhausted: pool={} capacity={} excluded={} node={}: new devices are refused until addresses "
                        + "are released and their quarantine of {} s has passed", s.pool.name(), s.pool.capacity(),
                        s.pool.excludedCount(), nodeId, settings.quarantine().toSeconds());
            }
        }
        return new DtmException(Reason.POOL_EXHAUSTED, message);
    }

    /** Logs when the pool's utilisation (as this node's index sees it) crosses a warning threshold. */
    private void updateWarnLevel(PoolState s) {
        int[] thresholds = warnPercent;
        if (thresholds.length == 0 || s.dynamic <= 0) {
            return;
        }
        double percent = 100.0 * (s.dynamic - s.free.size()) / s.dynamic;
        int level = 0;
        while (level < thresholds.length && percent >= thresholds[level]) {
            level++;
        }
        synchronized (s) {
            if (level == s.warnLevel) {
                return;
            }
            int old = s.warnLevel;
            s.warnLevel = level;
            if (level > old) {
                LOG.warn("pool utilisation high: pool={} utilisation={}% threshold={}% free={} node={}", s.pool.name(),
                        String.format(java.util.Locale.ROOT, "%.1f", percent), thresholds[level - 1], s.free.size(), nodeId);
            } else {
                LOG.info("pool utilisation back below {}%: pool={} utilisation={}% node={}", thresholds[old - 1],
                        s.pool.name(), String.format(java.util.Locale.ROOT, "%.1f", percent), nodeId);
            }
        }
    }

    /**
     * Housekeeping, run periodically (in a cluster by the leader only): for every pool in the
     * store, loaded here if it was not yet (a pool created or changed on another node too), whose
     * free index is nearly empty, reclaims bindings whose quarantine has passed, so allocations
     * rarely have to; re-evaluates utilisation warnings. A node whose index runs dry between sweeps
     * still reclaims on demand (compare and set, so safe beside the leader's sweep).
     *
     * @return bindings reclaimed
     */
    public int sweep() {
        return guarded("sweep pools", () -> {
            int n = 0;
            Instant now = clock.instant();
            List<PoolState> all = new ArrayList<>();
            for (Pool p : store.pools()) {
                try {
                    all.add(state(p.name()));
                } catch (DtmException e) {
                    LOG.debug("sweep skips pool {}: {}", p.name(), e.getMessage()); // deleted meanwhile
                }
            }
            for (PoolState s : all) {
                if (s.free.size() < RECLAIM_BATCH) {
                    n += reclaim(s, now);
                }
                updateWarnLevel(s);
            }
            return n;
        });
    }

    /**
     * {@link #sweep()} if this node holds the housekeeping leadership (always without a cluster).
     *
     * @return bindings reclaimed, or -1 if this node is not the leader and did nothing
     */
    public int sweepIfLeader() {
        Cluster c = cluster;
        if (c != null && !c.isLeader()) {
            return -1;
        }
        return sweep();
    }

    /** Whether this node may run housekeeping now. */
    public boolean isLeader() {
        return cluster == null || cluster.isLeader();
    }

    // ------------------------------------------------------------------ confirm / renew / release

    @Override
    public Lease confirm(String pool, DeviceId device) {
        return extend(pool, device, true, null, 0);
    }

    @Override
    public Lease renew(String pool, DeviceId device) {
        return extend(pool, device, false, null, 0);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The common path, a CONFIRM right after this node locked the address, reads nothing: the
     * binding this node just wrote is remembered, and the compare-and-set that binds it proves it
     * is still the stored one (if not, the binding is read and the quote checked again).
     */
    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return extend(pool, device, true, Objects.requireNonNull(quotedAddress, "quotedAddress"), quotedSequence);
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return extend(pool, device, false, Objects.requireNonNull(quotedAddress, "quotedAddress"), quotedSequence);
    }

    /**
     * LOCKED → BOUND with the full lease time; BOUND → extended, written only below the renewal
     * threshold. A confirm of a lease that is already BOUND (a retransmitted CONFIRM) behaves like
     * a renewal. With a quote ({@code quotedAddress} not null) the device must hold that lease.
     */
    private Lease extend(String pool, DeviceId device, boolean confirm, InetAddress quotedAddress, long quotedSequence) {
        Objects.requireNonNull(device, "device");
        String what = (confirm ? "confirm" : "renew") + " the lease of " + device + " in pool " + pool;
        try {
            Lease l = guarded(what, () -> extendInStore(pool, device, confirm, quotedAddress, quotedSequence));
            if (l.state() == LeaseState.BOUND) {
                know(l);
            }
            return l;
        } catch (DtmException e) {
            if (!(e.getCause() instanceof StoreUnavailableException)) {
                throw e;
            }
            Lease l = knownLease(pool, device, quotedAddress, quotedSequence);
            if (l == null) {
                throw e;
            }
            renewedDegraded.incrementAndGet();
            LOG.debug("lease renewed from memory, store unavailable: device={} pool={} address={} until={} (not extended) node={}",
                    device, pool, l.address().getHostAddress(), l.expiresAt(), nodeId);
            return l;
        }
    }

    /** Remembers a BOUND lease answered, for renewals while the store is unavailable; bounded. */
    private void know(Lease lease) {
        LeaseKey key = new LeaseKey(lease.pool(), lease.device());
        // Renewals of one device may finish out of order: keep the newest.
        known.merge(key, lease, (had, now) -> now.sequence() >= had.sequence() ? now : had);
    }

    /**
     * The BOUND, still active lease this node last answered that the device quotes; null if none.
     * Its expiry is cut to the start of the outage plus the quarantine: the binding may have been
     * released or revoked on another node since this node lost the store, and the leader may give
     * its address to another device one quarantine after that, so no answer from memory may reach
     * further.
     */
    private Lease knownLease(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        Lease l = known.get(new LeaseKey(pool, device));
        PoolState s = states.get(pool);
        Instant now = clock.instant();
        if (l == null || s == null || l.state() != LeaseState.BOUND || !l.isActiveAt(now)) {
            return null;
        }
        if (quotedAddress != null && !l.isQuotedBy(quotedAddress, s.pool.innerAddress(l.address()), quotedSequence)) {
            return null;
        }
        Instant since = downSince;
        Instant limit = (since == null ? now : since).plus(settings.quarantine());
        if (!limit.isAfter(now)) {
            return null;
        }
        return l.expiresAt().isAfter(limit) ? l.with(l.state(), l.sequence(), limit, l.nodeId()) : l;
    }

    private Lease extendInStore(String pool, DeviceId device, boolean confirm, InetAddress quotedAddress, long quotedSequence) {
        {
            PoolState s = state(pool);
            Duration leaseTime = Duration.ofSeconds(s.pool.leaseSeconds());
            LeaseKey key = new LeaseKey(pool, device);
            return withDeviceLock(pool, device, () -> {
                // Only a LOCKED binding this node wrote is taken from memory: binding it always
                // writes, and the compare-and-set verifies it. Everything else is read.
                Lease remembered = confirm && quotedAddress != null ? recent.get(key) : null;
                Lease l = remembered != null && remembered.state() == LeaseState.LOCKED ? remembered : null;
                for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                    boolean fromMemory = l != null;
                    if (l == null) {
                        l = store.findByDevice(pool, device)
                                .filter(x -> x.state() != LeaseState.RELEASED)
                                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE,
                                        "device " + device + " has no lease in pool " + pool));
                    }
                    if (quotedAddress != null && !l.isQuotedBy(quotedAddress, s.pool.innerAddress(l.address()), quotedSequence)) {
                        if (fromMemory) {
                            l = null; // perhaps stale: read it
                            continue;
                        }
                        throw DtmException.staleQuote(l, quotedAddress, quotedSequence);
                    }
                    Instant now = clock.instant();
                    if (l.state() == LeaseState.BOUND) {
                        Duration remaining = Duration.between(now, l.expiresAt());
                        if (remaining.toNanos() > settings.renewWriteThreshold() * leaseTime.toNanos()) {
                            return l; // lease cache: the stored expiry is still far enough away
                        }
                    }
                    Lease next = l.with(LeaseState.BOUND, l.sequence() + 1, now.plus(leaseTime), nodeId);
                    Optional<Lease> stored = store.update(next, l.sequence());
                    if (stored.isPresent()) {
                        recent.remove(key);
                        if (l.state() == LeaseState.LOCKED) {
                            LOG.info("lease bound: device={} pool={} address={} until={} node={}", device, pool,
                                    s.pool.describe(next.address()), next.expiresAt(), nodeId);
                        } else {
                            LOG.debug("lease renewed: device={} pool={} address={} until={} node={}", device, pool,
                                    s.pool.describe(next.address()), next.expiresAt(), nodeId);
                        }
                        return stored.get();
                    }
                    l = null; // changed meanwhile: read it again
                }
                throw concurrentUpdates(pool, device);
            });
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * The binding stays stored as RELEASED (expiry = release time) so the device gets the same
     * address back later, until the address is reclaimed for another device after the quarantine.
     * Releasing twice is harmless and returns true.
     */
    @Override
    public boolean release(String pool, DeviceId device) {
        Objects.requireNonNull(device, "device");
        return guarded("release the lease of " + device + " in pool " + pool, () -> {
            state(pool);
            return withDeviceLock(pool, device, () -> {
                for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                    known.remove(new LeaseKey(pool, device));
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
                throw concurrentUpdates(pool, device);
            });
        });
    }

    // ------------------------------------------------------------------ reservations

    @Override
    public Lease reserve(String pool, DeviceId device, InetAddress address) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        return guarded("reserve " + address.getHostAddress() + " for " + device + " in pool " + pool, () -> {
            PoolState s = state(pool);
            if (!s.pool.isAssignable(address)) {
                throw new IllegalArgumentException(address.getHostAddress() + " cannot be reserved in pool " + pool + " ("
                        + s.pool.prefix() + (s.pool.delegatesPrefixes() ? ", /" + s.pool.delegatedLength() + " prefixes" : "")
                        + "): it is outside the pool, the network or gateway address, the broadcast address, or not the start of a block");
            }
            return withDeviceLock(pool, device, () -> {
                Optional<Lease> holder = store.findByAddress(pool, address);
                if (holder.isPresent() && !holder.get().device().equals(device)) {
                    Lease h = holder.get();
                    throw new IllegalArgumentException(address.getHostAddress() + " in pool " + pool + " is held by device "
                            + h.device() + " (" + h.state().name().toLowerCase(java.util.Locale.ROOT)
                            + (h.reserved() ? ", reserved" : "") + "); release or unreserve it first");
                }
                Optional<Lease> own = store.findByDevice(pool, device);
                if (own.isPresent() && own.get().address().equals(address)) {
                    Lease l = own.get();
                    if (l.reserved()) {
                        return l;
                    }
                    Lease stored = store.update(l.withReserved(true, nodeId), l.sequence())
                            .orElseThrow(() -> concurrentUpdates(pool, device));
                    LOG.info("address reserved: device={} pool={} address={} (its current lease) node={}", device, pool,
                            address.getHostAddress(), nodeId);
                    return stored;
                }
                if (own.isPresent()) {
                    Lease old = own.get();
                    if (!store.remove(pool, device, old.sequence())) {
                        throw concurrentUpdates(pool, device);
                    }
                    if (!s.pool.isExcluded(old.address())) {
                        s.free.give(s.pool.offsetOf(old.address()));
                    }
                    LOG.warn("lease given up for a reservation: device={} pool={} old.address={} ({}) new.address={} node={}",
                            device, pool, old.address().getHostAddress(), old.state(), address.getHostAddress(), nodeId);
                }
                BindResult r = store.tryBind(new Lease(pool, device, address, LeaseState.RELEASED, 1, clock.instant(), nodeId,
                        true));
                if (r.outcome() != BindResult.Outcome.BOUND) {
                    throw new IllegalArgumentException(address.getHostAddress() + " in pool " + pool
                            + " was taken while reserving it for " + device + "; nothing reserved, try again");
                }
                LOG.info("address reserved: device={} pool={} address={} node={}", device, pool, address.getHostAddress(), nodeId);
                return r.lease();
            });
        });
    }

    @Override
    public boolean unreserve(String pool, DeviceId device) {
        Objects.requireNonNull(device, "device");
        return guarded("unreserve the address of " + device + " in pool " + pool, () -> {
            state(pool);
            return withDeviceLock(pool, device, () -> {
                Optional<Lease> own = store.findByDevice(pool, device);
                if (own.isEmpty() || !own.get().reserved()) {
                    return false;
                }
                Lease l = own.get();
                store.update(l.withReserved(false, nodeId), l.sequence()).orElseThrow(() -> concurrentUpdates(pool, device));
                LOG.info("reservation removed: device={} pool={} address={} node={}", device, pool,
                        l.address().getHostAddress(), nodeId);
                return true;
            });
        });
    }

    // ------------------------------------------------------------------ helpers

    private <T> T withDeviceLock(String pool, DeviceId device, Supplier<T> action) {
        ReentrantLock lock = stripe(pool, device);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static DtmException concurrentUpdates(String pool, DeviceId device) {
        return new DtmException(Reason.STORE_UNAVAILABLE, "lease of device " + device + " in pool " + pool
                + " keeps changing under concurrent updates");
    }

    private ReentrantLock stripe(String pool, DeviceId device) {
        int h = 31 * pool.hashCode() + device.hashCode();
        h ^= (h >>> 16);
        return stripes[h & (STRIPES - 1)];
    }

    /** Turns store failures into {@link Reason#STORE_UNAVAILABLE}. */
    private <T> T guarded(String what, Supplier<T> action) {
        return guarded(what, true, action);
    }

    /**
     * As {@link #guarded(String, Supplier)}; {@code touchesStore} false for an action that may be
     * answered from memory, whose success therefore does not prove the store answers again.
     */
    private <T> T guarded(String what, boolean touchesStore, Supplier<T> action) {
        T result;
        try {
            result = action.get();
        } catch (StoreUnavailableException e) {
            // One WARN per outage: while a cluster node is cut off every refused request lands here.
            if (storeDown.compareAndSet(false, true)) {
                downSince = clock.instant();
                LOG.warn("store unavailable: cannot {} on node {}: {} (further failures at DEBUG until the store answers again)",
                        what, nodeId, e.getMessage());
            } else {
                LOG.debug("store unavailable: cannot {} on node {}: {}", what, nodeId, e.getMessage());
            }
            throw new DtmException(Reason.STORE_UNAVAILABLE, "store unavailable: cannot " + what, e);
        }
        if (touchesStore && storeDown.get() && storeDown.compareAndSet(true, false)) {
            LOG.info("store answers again on node {}", nodeId);
        }
        return result;
    }

    /** Whether the last store call failed as unavailable (one log line per outage; tests). */
    boolean storeDown() {
        return storeDown.get();
    }

    /** How many utilisation warning thresholds the pool is at or above (tests). */
    int warnLevel(String pool) {
        PoolState s = states.get(pool);
        synchronized (s) {
            return s.warnLevel;
        }
    }

    /** Free addresses this node knows of in a pool (diagnostics and tests). */
    long knownFree(String pool) {
        PoolState s = states.get(pool);
        return s == null ? -1 : s.free.size();
    }
}

package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;

/**
 * The address pool manager over any {@link LeaseStore}: allocation, locking, confirmation,
 * renewal with lease caching, release, reservations, quarantine and reclamation. Life cycle of a
 * binding: {@code LOCKED} (offered) → {@code BOUND} (confirmed, renewed) → released or expired →
 * quarantined → reclaimed for another device only when its pool has no free address left (until
 * then it keeps the address for its device). Every change is a compare-and-set on the binding's
 * sequence, so a late or duplicate message never frees an address that has since gone elsewhere.
 * A device's request carries its own sequence number, judged against the binding's persisted
 * mark ({@link Freshness}), so a captured request replayed at any node, or after a restart, changes
 * nothing; a quote names the exact instance of the binding ({@link Lease#instance()}).
 * <p>
 * It turns store failures into {@code STORE_UNAVAILABLE} ({@link StoreOutage}) and composes the
 * parts that do the work: {@link PoolCatalogue} (pools, cached pool list, {@link PoolWatch}),
 * {@link PoolStates} (free indexes), {@link PoolSelection}, {@link Allocator},
 * {@link LeaseLifecycle} (confirm, renew, release; a device's quote checked on the binding it
 * changes), {@link Reservations}, {@link DegradedMemory} (renewals while the store is away),
 * {@link Housekeeping} (reclamation, leader-gated sweeps), {@link PoolAlarms} and
 * {@link DeviceLocks}. With a {@link Cluster}, the node id defaults to its {@link Cluster#nodeId()}
 * and in a shared cluster each node hands out a pool's addresses from a point of its own. Call
 * {@link #close()} to stop listening to a shared store's pool changes.
 * <p>
 * <b>Without holding the caller.</b> {@link #allocateAsync} and {@link #confirmAsync} take the
 * common case of a new device (no previous address, a free block; then a CONFIRM of the offer this
 * node remembers) through the store's async writes ({@link LeaseStore#tryBindAsync},
 * {@link LeaseStore#updateAsync}), the device's lock held until the write ends, so a node's
 * workers do not wait for its commits (profiled: the largest share of their CPU was parking and
 * waking around those waits). Everything else, and a common case whose write did not bind, goes
 * the synchronous way, after a failed write on one of {@value #FALLBACK_THREADS} fallback threads.
 */
public class PoolManager implements AddressPoolAdminService {

    /** Threads for the synchronous way after a common case's async write did not bind. */
    static final int FALLBACK_THREADS = 8;

    private final String nodeId;
    private final PoolSettings settings;
    private final StoreOutage outage;
    private final PoolStates states;
    private final PoolCatalogue catalogue;
    private final PoolSelection selection;
    private final DegradedMemory degraded;
    private final Housekeeping housekeeping;
    private final Allocator allocator;
    private final LeaseLifecycle lifecycle;
    private final Reservations reservations;
    private final LeaseReads reads;
    /**
     * Runs the synchronous way of a request whose common-case async write did not bind (the
     * address was taken, the store failed): never on the store's thread that ended the write,
     * which the synchronous way may wait for.
     */
    private final ThreadPoolExecutor fallback = fallbackThreads();

    /**
     * @param store    where pools and leases live (a {@link PoolWatch} too if shared)
     * @param nodeId   this server node, written into every binding it changes; null or blank means
     *                 {@code cluster.nodeId()}
     * @param clock    time source
     * @param settings lock time, renewal threshold, quarantine, utilisation warnings
     * @param cluster  this node's membership; null means a standalone node (always leader)
     * @throws IllegalArgumentException if there is no node id
     */
    public PoolManager(LeaseStore store, String nodeId, Clock clock, PoolSettings settings, Cluster cluster) {
        Objects.requireNonNull(store, "store");
        this.nodeId = nodeId != null && !nodeId.isBlank() ? nodeId.trim()
                : cluster != null ? cluster.nodeId() : Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (this.nodeId == null || this.nodeId.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
        boolean spread = cluster != null && !"standalone".equals(cluster.type());
        DeviceLocks locks = new DeviceLocks();
        Offers offers = new Offers();
        PoolAlarms alarms = new PoolAlarms(this.nodeId, settings);
        outage = new StoreOutage(this.nodeId, clock);
        states = new PoolStates(store, this.nodeId, spread, alarms);
        catalogue = new PoolCatalogue(store, this.nodeId, clock, states);
        selection = new PoolSelection(store, catalogue);
        degraded = new DegradedMemory(this.nodeId, clock, settings.quarantine(), states, outage);
        housekeeping = new Housekeeping(store, this.nodeId, clock, settings, states, alarms, cluster);
        allocator = new Allocator(store, this.nodeId, clock, settings.lockTime(), spread, locks, states, offers, degraded,
                alarms, housekeeping);
        lifecycle = new LeaseLifecycle(store, this.nodeId, clock, settings.renewWriteThreshold(), locks, states, offers,
                degraded);
        reservations = new Reservations(store, this.nodeId, clock, locks, states);
        reads = new LeaseReads(store, clock, settings.quarantine(), states);
    }

    /** Stops listening to the store's pool changes. */
    public void close() {
        catalogue.close();
        fallback.shutdown();
    }

    /** This node's id, written into the bindings it changes. */
    public String nodeId() {
        return nodeId;
    }

    /** The settings this manager runs with. */
    public PoolSettings settings() {
        return settings;
    }

    /**
     * Counters: {@code renewed.degraded} (renewals answered from memory, store unavailable),
     * {@code allocate.address-taken} (free addresses found taken: each one failed store
     * transaction), {@code pool.changes} (notifications from a shared store), {@code known.leases}
     * (bound leases remembered for degraded renewals), {@code reclaim.refused.clock} (reclamations
     * refused because this node's clock may be too far from the store's time).
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        out.put("allocate.address-taken", allocator.addressTaken());
        out.put("known.leases", degraded.size());
        out.put("pool.changes", catalogue.changes());
        out.put("reclaim.refused.clock", housekeeping.clockRefusals());
        out.put("renewed.degraded", degraded.renewedDegraded());
        return out;
    }

    /** Renewals answered from memory while the store was unavailable. */
    public long renewedDegraded() {
        return degraded.renewedDegraded();
    }

    /** Free addresses found already taken when trying to lock them. */
    public long addressTaken() {
        return allocator.addressTaken();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Pool> pools() {
        return outage.guarded("list pools", catalogue::pools);
    }

    /** Served from a list of pools at most {@link PoolCatalogue#POOL_LIST_TTL} old (changes made on this node show at once). */
    @Override
    public Optional<Pool> pool(String name) {
        return outage.guarded("read pool " + name, false, () -> catalogue.pool(name));
    }

    @Override
    public List<Lease> leases(String pool) {
        return outage.guarded("list leases", () -> reads.leases(pool));
    }

    @Override
    public List<Lease> leases(LeaseQuery query) {
        Objects.requireNonNull(query, "query");
        return outage.guarded("list leases", () -> reads.leases(query));
    }

    @Override
    public Optional<Lease> lease(String pool, DeviceId device) {
        return outage.guarded("read lease of " + device, () -> reads.lease(pool, device));
    }

    @Override
    public Optional<Lease> leaseAt(String pool, InetAddress address) {
        return outage.guarded("read lease of " + address, () -> reads.leaseAt(pool, address));
    }

    @Override
    public long used(String pool) {
        return outage.guarded("count leases of pool " + pool, () -> reads.used(pool));
    }

    @Override
    public PoolStats stats(String pool) {
        return outage.guarded("count leases of pool " + pool, () -> reads.stats(pool));
    }

    // ------------------------------------------------------------------ pools

    /** {@inheritDoc} The overlap check holds across nodes: two creating overlapping pools at once cannot both succeed. */
    @Override
    public Pool createPool(Pool pool) {
        Objects.requireNonNull(pool, "pool");
        return outage.guarded("create pool " + pool.name(), () -> catalogue.create(pool));
    }

    @Override
    public Pool updatePool(Pool pool) {
        Objects.requireNonNull(pool, "pool");
        return outage.guarded("update pool " + pool.name(), () -> catalogue.update(pool));
    }

    @Override
    public boolean deletePool(String name) {
        return outage.guarded("delete pool " + name, () -> catalogue.delete(name));
    }

    /** Loads every pool's free index from the store now, as a node does when it starts. @return pools loaded */
    public int loadAll() {
        return outage.guarded("load pools", states::loadAll);
    }

    // ------------------------------------------------------------------ leases

    @Override
    public Lease allocate(String pool, DeviceId device) {
        return allocate(pool, device, null);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, InetAddress hint) {
        return allocateIn(pool, device, hint, Freshness.NONE);
    }

    @Override
    public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
        return allocateAnywhere(device, type, hint, Freshness.NONE);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, TunnelType type, InetAddress hint, long requestSequence) {
        long request = Freshness.requireDeviceSequence(requestSequence);
        return pool == null ? allocateAnywhere(device, type, hint, request) : allocateIn(pool, device, hint, request);
    }

    /**
     * {@inheritDoc} A device that quotes no previous address and that this node has not just
     * offered one, in a pool with a free block, is bound without holding the caller; every other
     * case, and a common case whose write did not bind, goes the synchronous way.
     */
    @Override
    public CompletableFuture<Lease> allocateAsync(String pool, DeviceId device, TunnelType type, InetAddress hint,
                                                  long requestSequence) {
        Supplier<Lease> slow = () -> allocate(pool, device, type, hint, requestSequence);
        CompletableFuture<Lease> common = null;
        if (hint == null) {
            try {
                long request = Freshness.requireDeviceSequence(requestSequence);
                String in = pool;
                if (in == null) {
                    List<Pool> candidates = selection.candidates(device, type);
                    in = candidates.isEmpty() ? null : candidates.get(0).name();
                }
                common = in == null ? null : allocator.allocateCommon(in, device, request);
            } catch (RuntimeException e) {
                common = null; // the synchronous way reports it
            }
        }
        return common == null ? now(slow) : orElse(common, slow);
    }

    /** {@inheritDoc} A CONFIRM of the offer this node just made is bound without holding the caller. */
    @Override
    public CompletableFuture<Lease> confirmAsync(String pool, DeviceId device, InetAddress quotedAddress,
                                                 long quotedSequence, long requestSequence) {
        Supplier<Lease> slow = () -> confirm(pool, device, quotedAddress, quotedSequence, requestSequence);
        CompletableFuture<Lease> common;
        try {
            common = lifecycle.confirmCommon(pool, device, deviceQuote(quotedAddress, quotedSequence, requestSequence));
        } catch (RuntimeException e) {
            common = null; // the synchronous way reports it
        }
        if (common == null) {
            return now(slow);
        }
        return orElse(common, slow); // the bound lease is remembered (under the device's lock) by confirmCommon
    }

    /**
     * The common case's lease, or else the synchronous way's outcome: at once on this thread if the
     * store answered on it, else on a fallback thread.
     */
    private CompletableFuture<Lease> orElse(CompletableFuture<Lease> common, Supplier<Lease> slow) {
        if (common.isDone() && !common.isCompletedExceptionally()) {
            Lease l = common.join();
            if (l != null) {
                outage.answered();
                return common;
            }
            return now(slow);
        }
        return common.thenCompose(l -> {
            if (l != null) {
                outage.answered();
                return CompletableFuture.completedFuture(l);
            }
            return CompletableFuture.supplyAsync(slow, fallback);
        });
    }

    /** At most {@value #FALLBACK_THREADS} daemon threads, idle ones ending after a minute; the rest queue. */
    private static ThreadPoolExecutor fallbackThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(FALLBACK_THREADS, FALLBACK_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "dtm-pool-fallback");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static CompletableFuture<Lease> now(Supplier<Lease> slow) {
        try {
            return CompletableFuture.completedFuture(slow.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Lease allocateIn(String pool, DeviceId device, InetAddress hint, long request) {
        Objects.requireNonNull(device, "device");
        return outage.guarded("allocate an address to " + device + " in pool " + pool,
                () -> allocator.allocate(pool, device, hint, request));
    }

    private Lease allocateAnywhere(DeviceId device, TunnelType type, InetAddress hint, long request) {
        Objects.requireNonNull(device, "device");
        List<Pool> candidates = outage.guarded("select a pool for " + device, () -> selection.candidates(device, type));
        return PoolSelection.allocateInFirst(candidates, device, type, p -> allocateIn(p.name(), device, hint, request));
    }

    @Override
    public Lease confirm(String pool, DeviceId device) {
        return extend(pool, device, true, null);
    }

    @Override
    public Lease renew(String pool, DeviceId device) {
        return extend(pool, device, false, null);
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return extend(pool, device, true, new Quote(quotedAddress, quotedSequence));
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return extend(pool, device, false, new Quote(quotedAddress, quotedSequence));
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return extend(pool, device, true, deviceQuote(quotedAddress, quotedSequence, requestSequence));
    }

    /** {@inheritDoc} A device's new renewal always writes (see {@link PoolSettings#renewWriteThreshold()}). */
    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return extend(pool, device, false, deviceQuote(quotedAddress, quotedSequence, requestSequence));
    }

    private static Quote deviceQuote(InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return new Quote(quotedAddress, quotedSequence, Freshness.requireDeviceSequence(requestSequence));
    }

    private Lease extend(String pool, DeviceId device, boolean confirm, Quote quote) {
        Objects.requireNonNull(device, "device");
        String what = (confirm ? "confirm" : "renew") + " the lease of " + device + " in pool " + pool;
        return degraded.renew(pool, device, quote,
                () -> outage.guarded(what, () -> lifecycle.extend(pool, device, confirm, quote)));
    }

    /** {@inheritDoc} The binding stays stored as RELEASED, keeping the address for the device until reclaimed. */
    @Override
    public boolean release(String pool, DeviceId device) {
        return release(pool, device, null);
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return release(pool, device, new Quote(quotedAddress, quotedSequence));
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence,
                           long requestSequence) {
        return release(pool, device, deviceQuote(quotedAddress, quotedSequence, requestSequence));
    }

    private boolean release(String pool, DeviceId device, Quote quote) {
        Objects.requireNonNull(device, "device");
        return outage.guarded("release the lease of " + device + " in pool " + pool,
                () -> lifecycle.release(pool, device, quote));
    }

    @Override
    public Lease reserve(String pool, DeviceId device, InetAddress address) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        return outage.guarded("reserve " + address.getHostAddress() + " for " + device + " in pool " + pool,
                () -> reservations.reserve(pool, device, address));
    }

    @Override
    public boolean unreserve(String pool, DeviceId device) {
        Objects.requireNonNull(device, "device");
        return outage.guarded("unreserve the address of " + device + " in pool " + pool,
                () -> reservations.unreserve(pool, device));
    }

    // ------------------------------------------------------------------ housekeeping

    /** Housekeeping: reclaims where free indexes run low, re-evaluates warnings. @return bindings reclaimed */
    public int sweep() {
        return outage.guarded("sweep pools", housekeeping::sweep);
    }

    /** {@link #sweep()} if this node holds the housekeeping leadership. @return reclaimed, or -1 if not the leader */
    public int sweepIfLeader() {
        return housekeeping.isLeader() ? sweep() : -1;
    }

    /** Whether this node may run housekeeping now (always without a cluster). */
    public boolean isLeader() {
        return housekeeping.isLeader();
    }

    /** Calls {@code listener} with every binding this node reclaims (the binding as it was); must not block. */
    public void addReclaimListener(Consumer<Lease> listener) {
        housekeeping.addReclaimListener(listener);
    }

    /** Stops calling {@code listener}. */
    public void removeReclaimListener(Consumer<Lease> listener) {
        housekeeping.removeReclaimListener(listener);
    }

    // ------------------------------------------------------------------ diagnostics and tests

    /** Whether the last store call failed as unavailable (one log line per outage; tests). */
    boolean storeDown() {
        return outage.down();
    }

    /** When the current store outage began; meaningful while {@link #storeDown()}. */
    Instant storeDownSince() {
        return outage.since();
    }

    /** How many utilisation warning thresholds the pool is at or above (tests). */
    int warnLevel(String pool) {
        return PoolAlarms.warnLevel(states.loaded(pool));
    }

    /** Free addresses this node knows of in a pool, -1 if not loaded (diagnostics and tests). */
    long knownFree(String pool) {
        PoolState s = states.loaded(pool);
        return s == null ? -1 : s.free.size();
    }
}

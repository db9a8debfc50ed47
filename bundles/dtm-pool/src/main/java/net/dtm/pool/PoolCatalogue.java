package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Pool;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The pools: created, updated and deleted with their rules (unique name, no overlapping prefixes,
 * prefix and delegated length fixed), and the list of pools that selection and {@link #pool}
 * read, cached for {@link #POOL_LIST_TTL}. A change made on this node shows at once; a store that
 * implements {@link PoolWatch} (a shared store) tells of changes made on other nodes, which throw
 * the list and the changed pool's state away at once. Call {@link #close()} to stop listening.
 */
final class PoolCatalogue {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** How long the list of pools used for pool selection is cached. */
    static final Duration POOL_LIST_TTL = Duration.ofSeconds(1);

    private record CachedPools(List<Pool> pools, Instant readAt) {
    }

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final PoolStates states;
    private final Object poolAdmin = new Object();
    private volatile CachedPools cachedPools = new CachedPools(List.of(), Instant.MIN);
    /** Held by the one thread re-reading an expired pool list. */
    private final AtomicBoolean refreshingPools = new AtomicBoolean();
    /** Orders replacing {@link #cachedPools}: a list read before a pool changed never replaces the emptied one. */
    private final Object poolListLock = new Object();
    private final AtomicLong poolChanges = new AtomicLong();
    private final Consumer<String> poolListener = this::poolChanged;

    PoolCatalogue(LeaseStore store, String nodeId, Clock clock, PoolStates states) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.states = states;
        if (store instanceof PoolWatch watch) {
            watch.addPoolListener(poolListener);
        }
    }

    /** Stops listening to the store's pool changes. */
    void close() {
        if (store instanceof PoolWatch watch) {
            watch.removePoolListener(poolListener);
        }
    }

    /** Pool change notifications from a shared store so far. */
    long changes() {
        return poolChanges.get();
    }

    /** All pools, read from the store, by name. */
    List<Pool> pools() {
        return store.pools(); // by name, as the store SPI promises
    }

    /** One pool, from the cached list. */
    Optional<Pool> pool(String name) {
        for (Pool p : forSelection()) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The name and overlap check is made against the pools in the store, atomically with the
     * creation ({@link LeaseStore#createPool(Pool, java.util.function.Consumer)}): two nodes
     * creating overlapping pools at the same instant cannot both succeed.
     */
    Pool create(Pool pool) {
        synchronized (poolAdmin) {
            store.createPool(pool, stored -> {
                for (Pool p : stored) {
                    if (p.name().equals(pool.name())) {
                        throw new IllegalArgumentException("pool " + pool.name() + " already exists (" + p.prefix() + ")");
                    }
                    if (p.prefix().overlaps(pool.prefix())) {
                        throw new IllegalArgumentException("pool " + pool.name() + ": prefix " + pool.prefix()
                                + " overlaps pool " + p.name() + " (" + p.prefix() + ")");
                    }
                }
            });
            states.created(pool);
            forgetPoolList();
        }
        LOG.info("pool created: pool={} prefix={} hands.out={} lease={}s capacity={} excluded={} rule={} node={}",
                pool.name(), pool.prefix(), handsOut(pool), pool.leaseSeconds(), pool.capacity(), pool.excludedCount(),
                rule(pool), nodeId);
        return pool;
    }

    /** Changes lease time, exclusions and selection rule; the prefix and delegated length stay. */
    Pool update(Pool pool) {
        synchronized (poolAdmin) {
            Pool old = store.pool(pool.name())
                    .orElseThrow(() -> new IllegalArgumentException("there is no pool " + pool.name()));
            if (!old.prefix().equals(pool.prefix()) || old.delegatedLength() != pool.delegatedLength()) {
                throw new IllegalArgumentException("pool " + pool.name() + " is " + old.prefix() + " handing out "
                        + handsOut(old) + "; its prefix and delegated length cannot change (delete and re-create the pool)");
            }
            store.updatePool(pool);
            states.forget(pool.name()); // reloaded with the new exclusions on next use
            forgetPoolList();
        }
        LOG.info("pool updated: pool={} lease={}s excluded={} rule={} node={}", pool.name(), pool.leaseSeconds(),
                pool.excluded(), rule(pool), nodeId);
        return pool;
    }

    /** Deletes a pool and its leases. @return false if there was none */
    boolean delete(String name) {
        boolean existed;
        synchronized (poolAdmin) {
            existed = store.deletePool(name);
            states.forget(name);
            forgetPoolList();
        }
        if (existed) {
            LOG.info("pool deleted: pool={} node={}", name, nodeId);
        }
        return existed;
    }

    private static String handsOut(Pool p) {
        return p.delegatesPrefixes() ? "/" + p.delegatedLength() + " prefixes" : "addresses";
    }

    private static String rule(Pool p) {
        return (p.devicePatterns().isEmpty() ? "all devices" : "devices " + String.join(",", p.devicePatterns()))
                + (p.tunnelTypes().isEmpty() ? "" : " with " + p.tunnelTypes());
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
            states.forget(name);
        }
        LOG.debug("pool changed in the store: pool={} reloaded on next use node={}", name, nodeId);
    }

    /**
     * The pool list, re-read when older than {@link #POOL_LIST_TTL}. An expired list is re-read by
     * one thread while the others go on with it (so a busy node reads the list once a second, not
     * once per request thread); a list thrown away because a pool changed is re-read by whoever
     * needs it. A list read while a pool changed is used for its call and not kept. While the
     * store is unavailable the last list, else the loaded pools, answer.
     */
    List<Pool> forSelection() {
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
            return readForSelection(c, now);
        } finally {
            if (!invalidated) {
                refreshingPools.set(false);
            }
        }
    }

    private List<Pool> readForSelection(CachedPools c, Instant now) {
        List<Pool> fresh;
        try {
            fresh = List.copyOf(store.pools());
        } catch (StoreUnavailableException e) {
            // Degraded: answer from what this node knew (renewals still need their pool's definition).
            if (!c.pools.isEmpty()) {
                return c.pools;
            }
            List<Pool> loaded = states.loadedPools();
            if (loaded.isEmpty()) {
                throw e;
            }
            return loaded;
        }
        synchronized (poolListLock) {
            if (cachedPools == c) {
                cachedPools = new CachedPools(fresh, now);
            }
        }
        return fresh;
    }
}

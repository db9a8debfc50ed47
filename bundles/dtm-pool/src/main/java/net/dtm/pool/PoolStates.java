package net.dtm.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Pool;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The pools this node has loaded: each one's definition and free index, read from the store on
 * first use (after a restart, or for a pool made by another node) and forgotten when the pool
 * changes, so it reloads. In a shared cluster ({@code spread}) each node's index starts handing
 * out a pool's blocks at a point of its own, derived from its id, so nodes rarely collide.
 */
final class PoolStates {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    private final LeaseStore store;
    private final String nodeId;
    private final boolean spread;
    private final PoolAlarms alarms;
    private final ConcurrentHashMap<String, PoolState> states = new ConcurrentHashMap<>();
    /**
     * Counts {@link #forget}s, raised before the state is removed: a state loaded while it moved
     * may hold the definition from before the change, so it serves its call and is not kept.
     */
    private final AtomicLong forgets = new AtomicLong();

    PoolStates(LeaseStore store, String nodeId, boolean spread, PoolAlarms alarms) {
        this.store = store;
        this.nodeId = nodeId;
        this.spread = spread;
        this.alarms = alarms;
    }

    /**
     * The pool's state, loaded from the store if this node has not yet. A name that is not a valid
     * pool name (e.g. from the wire) is refused without any store access.
     *
     * @throws DtmException NO_POOL
     */
    PoolState state(String name) {
        if (!Pool.isValidName(name)) {
            throw new DtmException(Reason.NO_POOL, name == null ? "no pool named" : "no such pool (invalid pool name)");
        }
        PoolState s = states.get(name);
        if (s != null) {
            return s;
        }
        long forgetsBefore = forgets.get(); // before reading: a change written after this is forgotten after it
        Pool pool = store.pool(name)
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "no pool " + name));
        PoolState loaded = new PoolState(pool, scanFree(pool));
        alarms.updateWarnLevel(loaded);
        PoolState kept = states.compute(name,
                (k, current) -> current != null || forgets.get() != forgetsBefore ? current : loaded);
        return kept != null ? kept : loaded; // null: a pool changed while this loaded; reloads on next use
    }

    /** The pool's state if this node has loaded it, else null (nothing is read). */
    PoolState loaded(String name) {
        return states.get(name);
    }

    /**
     * Loads every pool of the store now rather than on first use. A pool that cannot be loaded
     * (anything but the store being away) is logged and left for its first use; the others load.
     *
     * @return how many loaded
     */
    int loadAll() {
        int n = 0;
        for (Pool p : store.pools()) {
            try {
                state(p.name());
                n++;
            } catch (StoreUnavailableException | DtmException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("pool {} not loaded, the other pools are served: {}", p.name(), e.toString());
            }
        }
        return n;
    }

    /** A pool this node just created: nothing is bound in it yet. */
    void created(Pool pool) {
        states.put(pool.name(), new PoolState(pool, index(pool, new long[0], 0)));
    }

    /**
     * Forgets a pool's state; it reloads on next use. Call after the change is in the store: a
     * state being loaded meanwhile is not kept, as it may have been read before the change.
     */
    void forget(String name) {
        forgets.incrementAndGet();
        states.remove(name);
    }

    /** Forgets {@code s} if it is still the pool's state (the pool was deleted behind this node's back). */
    void forget(String name, PoolState s) {
        states.remove(name, s);
    }

    /** The definitions of the loaded pools, by name (what this node knows while the store is away). */
    List<Pool> loadedPools() {
        List<Pool> out = new ArrayList<>();
        states.values().forEach(s -> out.add(s.pool));
        out.sort(Comparator.comparing(Pool::name));
        return out;
    }

    /** The pool's free blocks: everything minus bound addresses and excluded ranges. O(bindings). */
    FreeIndex scanFree(Pool pool) {
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
}

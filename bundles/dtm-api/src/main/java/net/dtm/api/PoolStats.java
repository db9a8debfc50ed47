package net.dtm.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Occupancy of a pool at one moment, in blocks (addresses, or delegated prefixes).
 *
 * @param pool             the pool
 * @param capacity         assignable blocks, excluded ones included
 * @param excluded         assignable blocks in excluded ranges
 * @param locked           offered and not yet confirmed, lock not expired
 * @param bound            confirmed and not expired
 * @param quarantined      released or expired less than the quarantine ago: still kept from
 *                         other devices
 * @param reclaimable      released or expired longer ago: kept for their device until the pool
 *                         needs the address
 * @param reserved         static reservations (counted in the states above as well)
 * @param exhaustedEpisodes how many times this node found the pool exhausted since it started
 * @param exhaustedSince   when the current exhaustion episode began on this node, if one is going on
 * @param refusals         allocations this node refused with {@code pool-exhausted} since it started
 */
public record PoolStats(Pool pool, long capacity, long excluded, long locked, long bound, long quarantined,
                        long reclaimable, long reserved, long exhaustedEpisodes, Optional<Instant> exhaustedSince,
                        long refusals) {

    /** Blocks held by some device: locked, bound or quarantined. */
    public long used() {
        return locked + bound + quarantined;
    }

    /**
     * Blocks a new device can get: neither excluded nor held by any binding. Reclaimable bindings
     * are not counted as free, but they are given out when nothing else is left.
     */
    public long free() {
        return Math.max(0, capacity - excluded - locked - bound - quarantined - reclaimable);
    }

    /** Share of the dynamic capacity (capacity minus excluded) that is used, 0..1. */
    public double utilisation() {
        long dynamic = capacity - excluded;
        return dynamic <= 0 ? 1.0 : Math.min(1.0, (double) used() / dynamic);
    }
}

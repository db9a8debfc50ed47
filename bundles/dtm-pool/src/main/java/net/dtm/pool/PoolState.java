package net.dtm.pool;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import net.dtm.api.Pool;

/** This node's in-memory state of one pool: its definition, free index, rescan time and alarms. */
final class PoolState {
    final Pool pool;
    final FreeIndex free;
    /** Blocks that can be handed out dynamically: capacity minus excluded. */
    final long dynamic;
    volatile Instant lastScan = Instant.MIN;
    /** Start of the exhaustion episode going on, or null. */
    volatile Instant exhaustedSince;
    final AtomicLong episodes = new AtomicLong();
    final AtomicLong refusals = new AtomicLong();
    /** How many of the warning thresholds the utilisation is at or above; guarded by this. */
    int warnLevel;

    PoolState(Pool pool, FreeIndex free) {
        this.pool = pool;
        this.free = free;
        this.dynamic = pool.capacity() - pool.excludedCount();
    }
}

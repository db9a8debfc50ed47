package net.dtm.pool;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Turns store failures into {@link Reason#STORE_UNAVAILABLE} and keeps track of outages: one WARN
 * when the store stops answering (while a cluster node is cut off every refused request fails
 * here), DEBUG for the failures after it, one INFO when it answers again.
 */
final class StoreOutage {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    private final String nodeId;
    private final Clock clock;
    /** Set by the first store failure of an outage, cleared by the next success: one WARN per outage. */
    private final AtomicBoolean down = new AtomicBoolean();
    /** When the current outage began (the first failure); stale once {@link #down} is false. */
    private volatile Instant since;

    StoreOutage(String nodeId, Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** Runs {@code action}, which uses the store; {@code what} names it in the error. */
    <T> T guarded(String what, Supplier<T> action) {
        return guarded(what, true, action);
    }

    /**
     * As {@link #guarded(String, Supplier)}; {@code touchesStore} false for an action that may be
     * answered from memory, whose success therefore does not prove the store answers again.
     */
    <T> T guarded(String what, boolean touchesStore, Supplier<T> action) {
        T result;
        try {
            result = action.get();
        } catch (StoreUnavailableException e) {
            if (down.compareAndSet(false, true)) {
                since = clock.instant();
                LOG.warn("store unavailable: cannot {} on node {}: {} (further failures at DEBUG until the store answers again)",
                        what, nodeId, e.getMessage());
            } else {
                LOG.debug("store unavailable: cannot {} on node {}: {}", what, nodeId, e.getMessage());
            }
            throw new DtmException(Reason.STORE_UNAVAILABLE, "store unavailable: cannot " + what, e);
        }
        if (touchesStore) {
            answered();
        }
        return result;
    }

    /** The store answered a call: an outage, if there was one, is over. */
    void answered() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("store answers again on node {}", nodeId);
        }
    }

    /** Whether the last store call failed as unavailable. */
    boolean down() {
        return down.get();
    }

    /** When the current outage began; null before the first one, stale once {@link #down()} is false. */
    Instant since() {
        return since;
    }
}

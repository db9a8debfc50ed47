package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;

/**
 * Reclamation: deletes bindings whose quarantine has passed (oldest first, each a compare-and-set
 * on its sequence, so a device that came back meanwhile keeps its address, and two nodes
 * reclaiming at once never reclaim one binding twice) and puts their addresses back in the free
 * index; on demand when an allocation finds its pool full, and in the periodic sweep, which runs
 * only while this node holds the cluster's housekeeping leadership. Quarantine is judged on this
 * node's clock: nothing is reclaimed while {@link ClockGuard} says that clock may be too far from
 * the store's time.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Most bindings reclaimed in one go: reclaim on demand, keep affinity for the rest. */
    static final int RECLAIM_BATCH = 64;

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final Duration quarantine;
    private final PoolStates states;
    private final PoolAlarms alarms;
    /** This node's cluster membership, or null (a standalone node, always leader). */
    private final Cluster cluster;
    private final ClockGuard clockGuard;
    /** Told of every binding this node reclaims, on the reclaiming thread; must not block. */
    private final List<Consumer<Lease>> reclaimListeners = new CopyOnWriteArrayList<>();

    Housekeeping(LeaseStore store, String nodeId, Clock clock, PoolSettings settings, PoolStates states, PoolAlarms alarms,
                 Cluster cluster) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.quarantine = settings.quarantine();
        this.states = states;
        this.alarms = alarms;
        this.cluster = cluster;
        this.clockGuard = new ClockGuard(nodeId, clock, settings.maxClockSkew(), cluster);
    }

    /** Reclamations refused because this node's clock could not be trusted. */
    long clockRefusals() {
        return clockGuard.refusals();
    }

    /** Whether this node may run housekeeping now. */
    boolean isLeader() {
        return cluster == null || cluster.isLeader();
    }

    /**
     * For every pool in the store (loaded here if it was not yet) whose free index is nearly
     * empty, reclaims bindings whose quarantine has passed; re-evaluates utilisation warnings.
     *
     * @return bindings reclaimed
     */
    int sweep() {
        int n = 0;
        Instant now = clock.instant();
        List<PoolState> all = new ArrayList<>();
        for (Pool p : store.pools()) {
            try {
                all.add(states.state(p.name()));
            } catch (DtmException e) {
                LOG.debug("sweep skips pool {}: {}", p.name(), e.getMessage()); // deleted meanwhile
            }
        }
        for (PoolState s : all) {
            if (s.free.size() < RECLAIM_BATCH) {
                n += reclaim(s, now);
            }
            alarms.updateWarnLevel(s);
        }
        return n;
    }

    /**
     * Deletes up to {@link #RECLAIM_BATCH} bindings whose quarantine has passed and puts their
     * addresses in the index; none while this node's clock cannot be trusted. @return how many
     * were reclaimed
     */
    int reclaim(PoolState s, Instant now) {
        if (!clockGuard.allowsReclaim()) {
            return 0;
        }
        String pool = s.pool.name();
        int n = 0;
        for (Lease l : store.reclaimable(pool, now.minus(quarantine), RECLAIM_BATCH)) {
            // Compare and set: if the device came back meanwhile its sequence moved and this fails.
            if (!l.reserved() && store.remove(pool, l.device(), l.sequence())) {
                n++;
                if (s.pool.isAssignable(l.address()) && !s.pool.isExcluded(l.address())) {
                    s.free.give(s.pool.offsetOf(l.address()));
                }
                LOG.info("address reclaimed: pool={} address={} from device={} ({} since {}) node={}", pool,
                        s.pool.describe(l.address()), l.device(), l.state(), l.expiresAt(), nodeId);
                tell(l);
            }
        }
        return n;
    }

    private void tell(Lease reclaimed) {
        for (Consumer<Lease> listener : reclaimListeners) {
            try {
                listener.accept(reclaimed);
            } catch (RuntimeException e) {
                LOG.warn("reclaim listener failed: pool={} device={}: {}", reclaimed.pool(), reclaimed.device(), e.toString());
            }
        }
    }

    void addReclaimListener(Consumer<Lease> listener) {
        reclaimListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeReclaimListener(Consumer<Lease> listener) {
        reclaimListeners.remove(listener);
    }
}

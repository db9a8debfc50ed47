package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;

/**
 * Whether this node's clock may be trusted to reclaim: reclamation compares expiry times other
 * nodes wrote with this node's clock, so a node whose clock runs ahead would reclaim live leases.
 * With a cluster, reclaiming is refused while the cluster has no measurement of this node's clock
 * against the store's time ({@link Cluster#clockOffset()}) at most {@link #MAX_AGE} old, or while
 * the measured {@code |offset| + uncertainty} exceeds the bound. Each refusal is counted; the first
 * of an episode logs one WARN, and one INFO says when the clock agrees again. Without a cluster
 * (a node of one clock) it always allows.
 */
final class ClockGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Oldest measurement still trusted (the ZooKeeper cluster measures every few seconds). */
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final String nodeId;
    private final Clock clock;
    private final Duration bound;
    private final Cluster cluster;
    private final AtomicLong refusals = new AtomicLong();
    /** Why reclaiming is refused now; null while it is allowed. Guarded by this. */
    private String refusing;

    /**
     * @param bound   largest {@code |offset| + uncertainty} allowed
     * @param cluster this node's cluster; null: a node of one clock, always allowed
     */
    ClockGuard(String nodeId, Clock clock, Duration bound, Cluster cluster) {
        this.nodeId = nodeId;
        this.clock = clock;
        this.bound = bound;
        this.cluster = cluster;
    }

    /** Whether this node may reclaim now; counts and reports a refusal. */
    boolean allowsReclaim() {
        String problem = problem();
        synchronized (this) {
            if (problem == null) {
                if (refusing != null) {
                    LOG.info("clock agrees with the store again: reclamation resumes on node {} ({} refusals so far)", nodeId,
                            refusals.get());
                    refusing = null;
                }
                return true;
            }
            refusals.incrementAndGet();
            if (refusing == null) {
                LOG.warn("reclamation refused on node {}: {}; no address is reclaimed until the clock agrees with the store"
                        + " within {} ms (further refusals counted, not logged)", nodeId, problem, bound.toMillis());
            }
            refusing = problem;
            return false;
        }
    }

    /** Why this node's clock may not be trusted now, or null if it may. */
    private String problem() {
        if (cluster == null) {
            return null;
        }
        Optional<ClockOffset> measured = cluster.clockOffset();
        if (measured.isEmpty()) {
            return "no measurement of this node's clock against the store's time (" + cluster.type() + " cluster)";
        }
        ClockOffset o = measured.get();
        Duration age = Duration.between(o.measuredAt(), clock.instant());
        if (age.abs().compareTo(MAX_AGE) > 0) {
            return "the last measurement of this node's clock against the store's time is " + age.toSeconds()
                    + " s old (at most " + MAX_AGE.toSeconds() + " s trusted)";
        }
        if (o.worstCase().compareTo(bound) > 0) {
            return "this node's clock " + describe(o);
        }
        return null;
    }

    private static String describe(ClockOffset o) {
        long ms = o.offset().toMillis();
        return "runs " + Math.abs(ms) + " ms " + (ms < 0 ? "ahead of" : "behind") + " the store's time (± "
                + o.uncertainty().toMillis() + " ms)";
    }

    /** Refusals counted so far. */
    long refusals() {
        return refusals.get();
    }

    /** Whether the last check refused. */
    synchronized boolean refusing() {
        return refusing != null;
    }
}

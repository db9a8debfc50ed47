package net.dtm.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;

/**
 * What a pool's fill tells the operator: exhaustion episodes (one WARN when a pool starts refusing
 * new devices, one INFO when it has free addresses again) and utilisation warnings (a WARN when
 * the fill, as this node's free index sees it, climbs past a threshold, an INFO when it falls back
 * below).
 */
final class PoolAlarms {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    private final String nodeId;
    private final int[] warnPercent;
    private final Duration quarantine;

    PoolAlarms(String nodeId, PoolSettings settings) {
        this.nodeId = nodeId;
        this.warnPercent = settings.warnPercent();
        this.quarantine = settings.quarantine();
    }

    /** Counts a refusal, starts an episode if none is going on, and returns the refusal. */
    DtmException exhausted(PoolState s, Instant now) {
        s.refusals.incrementAndGet();
        String message = "pool " + s.pool.name() + " exhausted (" + s.pool.capacity() + " addresses)";
        synchronized (s) {
            if (s.exhaustedSince == null) {
                s.exhaustedSince = now;
                s.episodes.incrementAndGet();
                LOG.warn("pool exhausted: pool={} capacity={} excluded={} node={}: new devices are refused until addresses "
                        + "are released and their quarantine of {} s has passed", s.pool.name(), s.pool.capacity(),
                        s.pool.excludedCount(), nodeId, quarantine.toSeconds());
            }
        }
        return new DtmException(Reason.POOL_EXHAUSTED, message);
    }

    /** An address was just handed out: ends an exhaustion episode, re-evaluates the warnings. */
    void handedOut(PoolState s) {
        Instant since = s.exhaustedSince;
        if (since != null) {
            s.exhaustedSince = null;
            LOG.info("pool has free addresses again: pool={} exhausted.since={} refusals={} node={}", s.pool.name(), since,
                    s.refusals.get(), nodeId);
        }
        updateWarnLevel(s);
    }

    /** Logs when the pool's utilisation (as this node's index sees it) crosses a warning threshold. */
    void updateWarnLevel(PoolState s) {
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
                        String.format(Locale.ROOT, "%.1f", percent), thresholds[level - 1], s.free.size(), nodeId);
            } else {
                LOG.info("pool utilisation back below {}%: pool={} utilisation={}% node={}", thresholds[old - 1],
                        s.pool.name(), String.format(Locale.ROOT, "%.1f", percent), nodeId);
            }
        }
    }

    /** How many warning thresholds the pool is at or above. */
    static int warnLevel(PoolState s) {
        synchronized (s) {
            return s.warnLevel;
        }
    }
}

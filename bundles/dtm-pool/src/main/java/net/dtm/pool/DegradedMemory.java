package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Renewals while the store is unavailable. This node remembers the BOUND leases it answered last
 * (bounded, newest sequence kept); when a CONFIRM (of a bound lease) or RENEW cannot reach the
 * store and the device quotes such a lease that is still active, the device is told that lease,
 * never extended and cut to the outage's start plus the quarantine (another node may have released
 * it since, and the leader reclaim it one quarantine later), and {@code renewed.degraded} is
 * counted. A LOCKED lease or an unknown device still gets {@code store-unavailable}.
 */
final class DegradedMemory {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Most BOUND leases remembered for renewals while the store is unavailable. */
    static final int KNOWN_MAX = 200_000;

    private final String nodeId;
    private final Clock clock;
    private final Duration quarantine;
    private final PoolStates states;
    private final StoreOutage outage;
    /** BOUND leases this node answered last, for renewals while the store is unavailable. */
    private final BoundedMap<LeaseKey, Lease> known = new BoundedMap<>(KNOWN_MAX);
    private final AtomicLong renewedDegraded = new AtomicLong();

    DegradedMemory(String nodeId, Clock clock, Duration quarantine, PoolStates states, StoreOutage outage) {
        this.nodeId = nodeId;
        this.clock = clock;
        this.quarantine = quarantine;
        this.states = states;
        this.outage = outage;
    }

    /**
     * The lease {@code fromStore} answers; if that failed because the store is unavailable, the
     * remembered lease the device quotes, else that failure. {@code fromStore} remembers what it
     * answers ({@link #know}) under the device's lock, not this: a release that takes the lock
     * after it must find the lease to forget.
     */
    Lease renew(String pool, DeviceId device, Quote quote, Supplier<Lease> fromStore) {
        try {
            return fromStore.get();
        } catch (DtmException e) {
            if (!(e.getCause() instanceof StoreUnavailableException)) {
                throw e;
            }
            Lease l = knownLease(pool, device, quote);
            if (l == null) {
                throw e;
            }
            renewedDegraded.incrementAndGet();
            LOG.debug("lease renewed from memory, store unavailable: device={} pool={} address={} until={} (not extended) node={}",
                    device, pool, l.address().getHostAddress(), l.expiresAt(), nodeId);
            return l;
        }
    }

    /**
     * Remembers a lease answered if it is BOUND; bounded. Call under the device's lock, as
     * {@link #forget} is: remembered after a release forgot it, a released lease would be renewed
     * from memory in a later outage.
     */
    void know(Lease lease) {
        if (lease.state() != LeaseState.BOUND) {
            return;
        }
        LeaseKey key = new LeaseKey(lease.pool(), lease.device());
        // Renewals of one device may finish out of order: keep the newest.
        known.merge(key, lease, (had, now) -> now.sequence() >= had.sequence() ? now : had);
    }

    /** The device let its lease go: no more answers from memory. */
    void forget(String pool, DeviceId device) {
        known.remove(new LeaseKey(pool, device));
    }

    /** Renewals answered from memory so far. */
    long renewedDegraded() {
        return renewedDegraded.get();
    }

    /** Leases remembered now. */
    long size() {
        return known.size();
    }

    /**
     * The BOUND, still active lease this node last answered that the device quotes (any, without a
     * quote); null if none. Its expiry is cut to the start of the outage plus the quarantine: the
     * binding may have been released or revoked on another node since this node lost the store,
     * and the leader may give its address to another device one quarantine after that, so no
     * answer from memory may reach further.
     */
    private Lease knownLease(String pool, DeviceId device, Quote quote) {
        Lease l = known.get(new LeaseKey(pool, device));
        PoolState s = states.loaded(pool);
        Instant now = clock.instant();
        if (l == null || s == null || l.state() != LeaseState.BOUND || !l.isActiveAt(now)) {
            return null;
        }
        if (quote != null && !quote.matches(l, s.pool)) {
            return null;
        }
        Instant since = outage.since();
        Instant limit = (since == null ? now : since).plus(quarantine);
        if (!limit.isAfter(now)) {
            return null;
        }
        return l.expiresAt().isAfter(limit) ? l.with(l.state(), l.sequence(), limit, l.nodeId()) : l;
    }
}

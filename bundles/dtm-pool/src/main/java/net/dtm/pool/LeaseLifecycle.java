package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.LeaseStore;

/**
 * CONFIRM, RENEW and RELEASE of a device's binding, each under the device's lock. With a
 * {@link Quote} (the lease the device names) the quote is checked on the very binding the change
 * is then made to: every change is a compare-and-set on the sequence read, and a binding that
 * changed meanwhile is read and checked again, so a stale quote never changes a binding, whether
 * the binding moved on this node or on another.
 * <p>
 * <b>Freshness.</b> A device's request carries its sequence number ({@link Quote#request()}),
 * judged by {@link Freshness} on the binding read, under the lock: an older one than the binding's
 * mark is refused, the same one answered without a write, a newer one applied and recorded.
 * <p>
 * <b>Renewal.</b> Like a DHCP server's lease cache, a renewal without a request number (an
 * operator's) writes to the store only when no more than {@code renewWriteThreshold × leaseTime}
 * remains; otherwise the caller is told the expiry already stored and nothing is written. A
 * device's new renewal always writes, to record its number: else a captured renewal that was
 * answered from the cache could be replayed later to extend a lease its device has left.
 */
final class LeaseLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final double renewWriteThreshold;
    private final DeviceLocks locks;
    private final PoolStates states;
    private final Offers offers;
    private final DegradedMemory degraded;

    LeaseLifecycle(LeaseStore store, String nodeId, Clock clock, double renewWriteThreshold, DeviceLocks locks,
                   PoolStates states, Offers offers, DegradedMemory degraded) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.renewWriteThreshold = renewWriteThreshold;
        this.locks = locks;
        this.states = states;
        this.offers = offers;
        this.degraded = degraded;
    }

    /**
     * LOCKED → BOUND with the full lease time; BOUND → extended, written only below the renewal
     * threshold. A confirm of a lease that is already BOUND (a retransmitted CONFIRM) behaves like
     * a renewal. The common path, a quoted CONFIRM right after this node locked the address, reads
     * nothing: the offer this node wrote is remembered, and the compare-and-set that binds it
     * proves it is still the stored one (if not, the binding is read and the quote checked again).
     *
     * @param quote the lease the device names, or null for any
     * @throws DtmException UNKNOWN_LEASE if the device has no such lease, NO_POOL
     */
    Lease extend(String pool, DeviceId device, boolean confirm, Quote quote) {
        PoolState s = states.state(pool);
        Duration leaseTime = Duration.ofSeconds(s.pool.leaseSeconds());
        return locks.with(pool, device, () -> {
            // Only a LOCKED binding this node wrote is taken from memory: binding it always
            // writes, and the compare-and-set verifies it. Everything else is read.
            Lease remembered = confirm && quote != null ? offers.get(pool, device) : null;
            Lease l = remembered != null && remembered.state() == LeaseState.LOCKED ? remembered : null;
            for (int attempt = 0; attempt < CasRetries.ATTEMPTS; attempt++) {
                boolean fromMemory = l != null;
                if (l == null) {
                    l = store.findByDevice(pool, device)
                            .filter(x -> x.state() != LeaseState.RELEASED)
                            .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE,
                                    "device " + device + " has no lease in pool " + pool));
                }
                long request = quote == null ? Freshness.NONE : quote.request();
                if (fromMemory && (Freshness.isStale(l, request) || !quote.matches(l, s.pool))) {
                    l = null; // perhaps stale: read it
                    continue;
                }
                if (Freshness.alreadyApplied(l, request)) {
                    return answered(l); // a copy of the request already applied (via another node): answer, write nothing
                }
                if (quote != null && !quote.matches(l, s.pool)) {
                    throw quote.staleAgainst(l);
                }
                Instant now = clock.instant();
                if (l.state() == LeaseState.BOUND && request == Freshness.NONE) {
                    Duration remaining = Duration.between(now, l.expiresAt());
                    if (remaining.toNanos() > renewWriteThreshold * leaseTime.toNanos()) {
                        return answered(l); // lease cache: the stored expiry is still far enough away
                    }
                }
                Lease next = Freshness.applied(l.with(LeaseState.BOUND, l.sequence() + 1, now.plus(leaseTime), nodeId),
                        request);
                Optional<Lease> stored = store.update(next, l.sequence());
                if (stored.isPresent()) {
                    if (l.state() == LeaseState.LOCKED) {
                        bound(s, next);
                    } else {
                        offers.forget(pool, device);
                        LOG.debug("lease renewed: device={} pool={} address={} until={} node={}", device, pool,
                                s.pool.describe(next.address()), next.expiresAt(), nodeId);
                    }
                    return answered(stored.get());
                }
                l = null; // changed meanwhile: read it again
            }
            throw CasRetries.keepsChanging(pool, device);
        });
    }

    /**
     * The common CONFIRM without holding the caller: the device quotes the LOCKED offer this node
     * wrote and remembers, with a fresh request; it is bound with {@link LeaseStore#updateAsync},
     * the device's lock held until the write ends. Null if the case does not apply; the future
     * completes with the bound lease (remembered for renewals while the store is away before the
     * lock is let go), or with null when the write did not bind it (the binding
     * changed, the store failed): the caller then confirms the synchronous way ({@link #extend}).
     */
    CompletableFuture<Lease> confirmCommon(String pool, DeviceId device, Quote quote) {
        PoolState s = states.state(pool);
        return locks.withAsync(pool, device, () -> {
            Lease l = offers.get(pool, device);
            long request = quote.request();
            if (l == null || l.state() != LeaseState.LOCKED || Freshness.isStale(l, request)
                    || Freshness.alreadyApplied(l, request) || !quote.matches(l, s.pool)) {
                return null;
            }
            Lease next = Freshness.applied(l.with(LeaseState.BOUND, l.sequence() + 1,
                    clock.instant().plusSeconds(s.pool.leaseSeconds()), nodeId), request);
            return store.updateAsync(next, l.sequence()).handle((stored, failure) -> {
                if (failure != null || stored.isEmpty()) {
                    return null;
                }
                bound(s, stored.get());
                return answered(stored.get()); // before the lock is let go
            });
        });
    }

    /**
     * A lease answered from the store, remembered (if BOUND) for renewals while the store is away.
     * Under the device's lock: a release forgets it under the lock too, so it never comes back.
     */
    private Lease answered(Lease l) {
        degraded.know(l);
        return l;
    }

    private void bound(PoolState s, Lease next) {
        offers.forget(next.pool(), next.device());
        LOG.info("lease bound: device={} pool={} address={} until={} node={}", next.device(), next.pool(),
                s.pool.describe(next.address()), next.expiresAt(), nodeId);
    }

    /**
     * Releases the device's binding. It stays stored as RELEASED (expiry = release time) so the
     * device gets the same address back later, until the address is reclaimed for another device
     * after the quarantine. Releasing twice is harmless and returns true.
     *
     * @param quote the lease the device names, or null for any (an operator's release)
     * @return false if the device has no binding (without a quote)
     * @throws DtmException UNKNOWN_LEASE if the device holds no lease it quotes; NO_POOL (without a quote)
     */
    boolean release(String pool, DeviceId device, Quote quote) {
        PoolState s;
        try {
            s = states.state(pool);
        } catch (DtmException e) {
            if (quote != null && e.reason() == Reason.NO_POOL) {
                throw noLease(pool, device); // to a device, a pool that is gone holds no lease of it
            }
            throw e;
        }
        return locks.with(pool, device, () -> {
            for (int attempt = 0; attempt < CasRetries.ATTEMPTS; attempt++) {
                if (quote == null) {
                    degraded.forget(pool, device); // an operator's word counts even if the store does not answer
                }
                Optional<Lease> found = store.findByDevice(pool, device);
                if (quote != null) {
                    Lease l = found.orElseThrow(() -> noLease(pool, device));
                    if (Freshness.alreadyApplied(l, quote.request())) {
                        return true; // a copy of the release already applied (via another node)
                    }
                    if (!quote.matches(l, s.pool)) {
                        throw quote.staleAgainst(l);
                    }
                    degraded.forget(pool, device);
                }
                if (found.isEmpty()) {
                    return false;
                }
                Lease l = found.get();
                if (l.state() == LeaseState.RELEASED) {
                    return true;
                }
                Lease next = Freshness.applied(l.with(LeaseState.RELEASED, l.sequence() + 1, clock.instant(), nodeId),
                        quote == null ? Freshness.NONE : quote.request());
                if (store.update(next, l.sequence()).isPresent()) {
                    LOG.info("lease released: device={} pool={} address={} node={}", device, pool,
                            l.address().getHostAddress(), nodeId);
                    return true;
                }
            }
            throw CasRetries.keepsChanging(pool, device);
        });
    }

    private static DtmException noLease(String pool, DeviceId device) {
        return new DtmException(Reason.UNKNOWN_LEASE, "no lease of device " + device + " in pool " + pool);
    }
}

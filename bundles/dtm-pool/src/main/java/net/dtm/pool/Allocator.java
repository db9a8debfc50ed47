package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseStore;

/**
 * Gives a device an address in one pool, under the device's lock. Sticky first: a device with a
 * binding gets that address again (an active binding unchanged, so several servers answering the
 * same request hand out the same lease; an inactive one re-locked with a compare-and-set).
 * Otherwise the address the device had before (its hint) if that is free, else a free block from
 * the pool's {@link FreeIndex}, locked with {@link LeaseStore#tryBind}: the store is the arbiter,
 * the index only a hint. When the index runs dry it is rebuilt from the store (at most once per
 * {@link #RESCAN_INTERVAL}), then reclaimable bindings are reclaimed; only then is the pool
 * reported exhausted.
 */
final class Allocator {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    /** Least time between two store rescans of an exhausted pool. */
    static final Duration RESCAN_INTERVAL = Duration.ofSeconds(1);

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final Duration lockTime;
    /** Whether another node most likely holds a taken address (nodes sharing a store): hop elsewhere. */
    private final boolean spread;
    private final DeviceLocks locks;
    private final PoolStates states;
    private final Offers offers;
    private final DegradedMemory degraded;
    private final PoolAlarms alarms;
    private final Housekeeping housekeeping;
    private final AtomicLong addressTaken = new AtomicLong();

    Allocator(LeaseStore store, String nodeId, Clock clock, Duration lockTime, boolean spread, DeviceLocks locks,
              PoolStates states, Offers offers, DegradedMemory degraded, PoolAlarms alarms, Housekeeping housekeeping) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.lockTime = lockTime;
        this.spread = spread;
        this.locks = locks;
        this.states = states;
        this.offers = offers;
        this.degraded = degraded;
        this.alarms = alarms;
        this.housekeeping = housekeeping;
    }

    /** Free addresses found already taken (by another node or a reservation) when trying to lock them. */
    long addressTaken() {
        return addressTaken.get();
    }

    /**
     * The device's lease in the pool, new or existing.
     *
     * @param hint    its previous address, or null
     * @param request the device's request number ({@link Freshness}), or {@link Freshness#NONE}
     * @throws DtmException STALE_SEQUENCE if the request is older than the device's binding's mark
     */
    Lease allocate(String pool, DeviceId device, InetAddress hint, long request) {
        PoolState s = states.state(pool);
        return locks.with(pool, device, () -> allocateLocked(s, device, hint, request));
    }

    /**
     * The common case without holding the caller: a device that quotes no previous address and
     * that this node has not just offered one, with a free block in the pool's index, locked with
     * {@link LeaseStore#tryBindAsync}; the device's lock is held until the write ends. Null if the
     * case does not apply; the future completes with the lease (the one it bound, or the device's
     * active binding the write ran into, e.g. another node's offer when the device asked every
     * server), or with null when it did neither (the address was taken, the binding needs a write
     * or a refusal, the store failed): the caller then allocates the synchronous way, which handles
     * every case and reports every failure.
     */
    CompletableFuture<Lease> allocateCommon(String pool, DeviceId device, long request) {
        PoolState s = states.state(pool);
        return locks.withAsync(pool, device, () -> {
            if (offers.contains(pool, device)) {
                return null;
            }
            OptionalLong offset = s.free.take();
            if (offset.isEmpty()) {
                return null;
            }
            long off = offset.getAsLong();
            return store.tryBindAsync(offer(s, device, s.pool.addressAt(off), clock.instant(), request))
                    .handle((r, failure) -> {
                        if (failure != null) {
                            s.free.giveBackFirst(off);
                            return null;
                        }
                        return switch (r.outcome()) {
                            case BOUND -> handedOut(s, r.lease(), "a free address");
                            case ADDRESS_TAKEN -> {
                                taken(s);
                                yield null;
                            }
                            case DEVICE_ALREADY_BOUND -> {
                                s.free.giveBackFirst(off);
                                yield asIs(r.lease(), request); // another node's offer (several servers asked)
                            }
                        };
                    });
        });
    }

    private Lease allocateLocked(PoolState s, DeviceId device, InetAddress hint, long request) {
        String pool = s.pool.name();
        // A device that quotes no previous address and that this node has not just offered one is
        // most likely new: skip the read; tryBind finds an existing binding anyway
        // (DEVICE_ALREADY_BOUND) and it is then reissued.
        boolean likelyNew = hint == null && !offers.contains(pool, device);
        Optional<Lease> existing = likelyNew ? Optional.empty() : store.findByDevice(pool, device);
        if (existing.isPresent()) {
            Lease l = reissue(s, existing.get(), request);
            if (l != null) {
                return l;
            }
        }
        Lease hinted = hint == null ? null : bindHint(s, device, hint, request);
        if (hinted != null) {
            return hinted;
        }
        for (int guard = 0; ; guard++) {
            Instant now = clock.instant();
            OptionalLong offset = s.free.take();
            if (offset.isEmpty()) {
                offset = refill(s, now);
            }
            if (offset.isEmpty()) {
                if (likelyNew) {
                    // Not new after all? A full pool still serves the bindings it has.
                    Lease l = store.findByDevice(pool, device).map(found -> reissue(s, found, request)).orElse(null);
                    if (l != null) {
                        return l;
                    }
                }
                throw alarms.exhausted(s, now);
            }
            Lease l = bindFree(s, device, offset.getAsLong(), now, request);
            if (l != null) {
                return l;
            }
            if (guard > 1_000_000) {
                throw new DtmException(Reason.INTERNAL, "allocation in pool " + pool + " did not converge");
            }
        }
    }

    /** The device's previous address if it is free (or its existing binding); null to go on. */
    private Lease bindHint(PoolState s, DeviceId device, InetAddress hint, long request) {
        if (s.pool.delegatesPrefixes() && s.pool.prefix().contains(hint)) {
            hint = s.pool.blockStart(hint); // the device quotes an address inside its old prefix
        }
        if (!s.pool.isAssignable(hint) || s.pool.isExcluded(hint)) {
            return null;
        }
        BindResult r = store.tryBind(offer(s, device, hint, clock.instant(), request));
        if (r.outcome() == BindResult.Outcome.BOUND) {
            // The block stays in the index as a stale hint; tryBind skips it when it comes up.
            return handedOut(s, r.lease(), "its previous address");
        }
        return r.outcome() == BindResult.Outcome.DEVICE_ALREADY_BOUND ? reissue(s, r.lease(), request) : null;
    }

    /** Tries to lock the free block at {@code off}; null if it was taken and the next one should be tried. */
    private Lease bindFree(PoolState s, DeviceId device, long off, Instant now, long request) {
        String pool = s.pool.name();
        Lease offer = offer(s, device, s.pool.addressAt(off), now, request);
        BindResult r;
        try {
            r = store.tryBind(offer);
        } catch (IllegalArgumentException e) {
            // The pool was deleted behind our back (by another node).
            states.forget(pool, s);
            throw new DtmException(Reason.NO_POOL, "no pool " + pool, e);
        } catch (RuntimeException e) {
            s.free.giveBackFirst(off);
            throw e;
        }
        switch (r.outcome()) {
            case BOUND -> {
                return handedOut(s, r.lease(), "a free address");
            }
            case ADDRESS_TAKEN -> {
                taken(s);
                return null;
            }
            case DEVICE_ALREADY_BOUND -> {
                s.free.giveBackFirst(off);
                return reissue(s, r.lease(), request);
            }
            default -> throw new IllegalStateException("unknown bind outcome " + r.outcome());
        }
    }

    /** Another node (or a reservation) holds a free block: it stays out of our index; the next one is tried. */
    private void taken(PoolState s) {
        addressTaken.incrementAndGet();
        if (spread) {
            // Most likely the run of another node's allocations: go elsewhere.
            long span = s.pool.endHostOffset() - s.pool.firstHostOffset();
            if (span > 1) {
                s.free.rotateTo(s.pool.firstHostOffset() + ThreadLocalRandom.current().nextLong(span));
            }
        }
    }

    /** A new binding: instance 1, the device's request as its mark. */
    private Lease offer(PoolState s, DeviceId device, InetAddress address, Instant now, long request) {
        return new Lease(s.pool.name(), device, address, LeaseState.LOCKED, 1, now.plus(lockTime), nodeId, false,
                request, 1);
    }

    private Lease handedOut(PoolState s, Lease lease, String what) {
        alarms.handedOut(s);
        LOG.debug("address locked: device={} pool={} address={} ({}) node={}", lease.device(), s.pool.name(),
                s.pool.describe(lease.address()), what, nodeId);
        return offers.remember(lease);
    }

    /**
     * Gives the device its existing binding: unchanged if active, re-locked (compare and set) if
     * released or expired, as a new instance of the binding (quotes of the earlier tenancy no
     * longer name it) recording the request's number. Null if the binding vanished meanwhile
     * (reclaimed by another node) or its address is now excluded (the binding is then deleted so
     * the device gets another one).
     *
     * @throws DtmException STALE_SEQUENCE if the request is older than the binding's mark
     */
    private Lease reissue(PoolState s, Lease lease, long request) {
        Lease current = lease;
        for (int attempt = 0; attempt < CasRetries.ATTEMPTS && current != null; attempt++) {
            Instant now = clock.instant();
            boolean copy = Freshness.alreadyApplied(current, request); // an older request is refused
            if (copy || current.isActiveAt(now)) {
                return unchanged(current);
            }
            if (!current.reserved() && s.pool.isExcluded(current.address())) {
                if (store.remove(current.pool(), current.device(), current.sequence())) {
                    LOG.info("binding dropped: device={} pool={} address={} is excluded now node={}", current.device(),
                            current.pool(), current.address().getHostAddress(), nodeId);
                    return null;
                }
            } else {
                Lease next = Freshness.applied(current.with(LeaseState.LOCKED, current.sequence() + 1, now.plus(lockTime),
                        nodeId), request).asNewInstance();
                Optional<Lease> stored = store.update(next, current.sequence());
                if (stored.isPresent()) {
                    LOG.debug("address locked again: device={} pool={} address={} node={}", next.device(), next.pool(),
                            next.address().getHostAddress(), nodeId);
                    return offers.remember(stored.get());
                }
            }
            current = store.findByDevice(lease.pool(), lease.device()).orElse(null);
        }
        if (current == null) {
            return null;
        }
        throw CasRetries.keepsChanging(lease.pool(), lease.device());
    }

    /**
     * The device's existing binding as {@link #reissue} gives it without a write (active, or the
     * request already applied); null if it needs more (a write, a refusal): the synchronous way
     * then reissues it, so every outcome is its.
     */
    private Lease asIs(Lease current, long request) {
        try {
            return Freshness.alreadyApplied(current, request) || current.isActiveAt(clock.instant()) ? unchanged(current)
                    : null;
        } catch (DtmException stale) {
            return null; // the synchronous way refuses it the same way
        }
    }

    /** The existing binding, answered as it is: remembered for renewals while the store is away (if BOUND). */
    private Lease unchanged(Lease current) {
        degraded.know(current);
        return current;
    }

    /** The index ran dry: rescan the store, then reclaim. Empty if the pool really is full. */
    private OptionalLong refill(PoolState s, Instant now) {
        if (now.isBefore(s.lastScan.plus(RESCAN_INTERVAL))) {
            return OptionalLong.empty();
        }
        s.lastScan = now;
        s.free.replaceWith(states.scanFree(s.pool));
        OptionalLong offset = s.free.take();
        if (offset.isPresent()) {
            return offset;
        }
        housekeeping.reclaim(s, now);
        return s.free.take();
    }
}

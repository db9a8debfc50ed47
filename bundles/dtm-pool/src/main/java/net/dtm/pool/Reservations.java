package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseStore;

/**
 * Static reservations, under the device's lock: a reserved address goes only to its device and is
 * never reclaimed; reserving another address gives up the device's dynamic binding.
 */
final class Reservations {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);

    private final LeaseStore store;
    private final String nodeId;
    private final Clock clock;
    private final DeviceLocks locks;
    private final PoolStates states;

    Reservations(LeaseStore store, String nodeId, Clock clock, DeviceLocks locks, PoolStates states) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.locks = locks;
        this.states = states;
    }

    /** @throws IllegalArgumentException if the address is not assignable or another device holds it */
    Lease reserve(String pool, DeviceId device, InetAddress address) {
        PoolState s = states.state(pool);
        if (!s.pool.isAssignable(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " cannot be reserved in pool " + pool + " ("
                    + s.pool.prefix() + (s.pool.delegatesPrefixes() ? ", /" + s.pool.delegatedLength() + " prefixes" : "")
                    + "): it is outside the pool, the network or gateway address, the broadcast address, or not the start of a block");
        }
        return locks.with(pool, device, () -> {
            Optional<Lease> holder = store.findByAddress(pool, address);
            if (holder.isPresent() && !holder.get().device().equals(device)) {
                Lease h = holder.get();
                throw new IllegalArgumentException(address.getHostAddress() + " in pool " + pool + " is held by device "
                        + h.device() + " (" + h.state().name().toLowerCase(Locale.ROOT)
                        + (h.reserved() ? ", reserved" : "") + "); release or unreserve it first");
            }
            Optional<Lease> own = store.findByDevice(pool, device);
            if (own.isPresent() && own.get().address().equals(address)) {
                Lease l = own.get();
                if (l.reserved()) {
                    return l;
                }
                Lease stored = store.update(l.withReserved(true, nodeId), l.sequence())
                        .orElseThrow(() -> CasRetries.keepsChanging(pool, device));
                LOG.info("address reserved: device={} pool={} address={} (its current lease) node={}", device, pool,
                        address.getHostAddress(), nodeId);
                return stored;
            }
            if (own.isPresent()) {
                Lease old = own.get();
                if (!store.remove(pool, device, old.sequence())) {
                    throw CasRetries.keepsChanging(pool, device);
                }
                if (!s.pool.isExcluded(old.address())) {
                    s.free.give(s.pool.offsetOf(old.address()));
                }
                LOG.warn("lease given up for a reservation: device={} pool={} old.address={} ({}) new.address={} node={}",
                        device, pool, old.address().getHostAddress(), old.state(), address.getHostAddress(), nodeId);
            }
            // The device's request mark goes with it: its old requests stay refused on the new binding.
            long mark = own.map(Lease::deviceSequence).orElse(0L);
            BindResult r = store.tryBind(new Lease(pool, device, address, LeaseState.RELEASED, 1, clock.instant(), nodeId,
                    true, mark, 0));
            if (r.outcome() != BindResult.Outcome.BOUND) {
                throw new IllegalArgumentException(address.getHostAddress() + " in pool " + pool
                        + " was taken while reserving it for " + device + "; nothing reserved, try again");
            }
            LOG.info("address reserved: device={} pool={} address={} node={}", device, pool, address.getHostAddress(), nodeId);
            return r.lease();
        });
    }

    /** @return false if the device had no reservation in the pool */
    boolean unreserve(String pool, DeviceId device) {
        states.state(pool);
        return locks.with(pool, device, () -> {
            Optional<Lease> own = store.findByDevice(pool, device);
            if (own.isEmpty() || !own.get().reserved()) {
                return false;
            }
            Lease l = own.get();
            store.update(l.withReserved(false, nodeId), l.sequence()).orElseThrow(() -> CasRetries.keepsChanging(pool, device));
            LOG.info("reservation removed: device={} pool={} address={} node={}", device, pool,
                    l.address().getHostAddress(), nodeId);
            return true;
        });
    }
}

package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;

/** Reads of leases and pool occupancy, straight from the store (the stats add this node's episode counts). */
final class LeaseReads {

    private final LeaseStore store;
    private final Clock clock;
    private final Duration quarantine;
    private final PoolStates states;

    LeaseReads(LeaseStore store, Clock clock, Duration quarantine, PoolStates states) {
        this.store = store;
        this.clock = clock;
        this.quarantine = quarantine;
        this.states = states;
    }

    /** All leases of a pool, or of all pools if {@code pool} is null. */
    List<Lease> leases(String pool) {
        if (pool != null) {
            return store.leases(pool);
        }
        List<Lease> all = new ArrayList<>();
        for (Pool p : store.pools()) {
            all.addAll(store.leases(p.name()));
        }
        return all;
    }

    /** One page of leases in address order (pools in name order). */
    List<Lease> leases(LeaseQuery query) {
        List<Pool> scope = query.pool().isPresent()
                ? List.of(store.pool(query.pool().get()).orElseThrow(
                        () -> new DtmException(Reason.NO_POOL, "no pool " + query.pool().get())))
                : store.pools();
        Instant now = clock.instant();
        List<Lease> out = new ArrayList<>();
        if (query.device().isPresent()) {
            for (Pool p : scope) {
                store.findByDevice(p.name(), query.device().get()).filter(l -> matches(query, l, now)).ifPresent(out::add);
            }
            return out;
        }
        int start = 0;
        InetAddress cursor = query.after().orElse(null);
        if (cursor != null) {
            while (start < scope.size() && !scope.get(start).prefix().contains(cursor)) {
                start++;
            }
            if (start == scope.size()) {
                throw new IllegalArgumentException("address " + cursor.getHostAddress() + " is in no pool"
                        + query.pool().map(p -> " named " + p).orElse(""));
            }
        }
        for (int i = start; i < scope.size() && out.size() < query.limit(); i++, cursor = null) {
            String pool = scope.get(i).name();
            while (out.size() < query.limit()) {
                List<Lease> page = store.leases(pool, cursor, query.limit());
                for (Lease l : page) {
                    if (matches(query, l, now) && out.size() < query.limit()) {
                        out.add(l);
                    }
                }
                if (page.size() < query.limit()) {
                    break;
                }
                cursor = page.get(page.size() - 1).address();
            }
        }
        return out;
    }

    private static boolean matches(LeaseQuery q, Lease l, Instant now) {
        return q.state().map(s -> s == l.state()).orElse(true)
                && q.expired().map(e -> e == !l.isActiveAt(now)).orElse(true);
    }

    Optional<Lease> lease(String pool, DeviceId device) {
        return store.findByDevice(pool, device);
    }

    Optional<Lease> leaseAt(String pool, InetAddress address) {
        return store.findByAddress(pool, address);
    }

    /** Blocks held (locked or bound and not expired). */
    long used(String pool) {
        LeaseCounts c = counts(pool);
        return c.locked() + c.bound();
    }

    PoolStats stats(String pool) {
        PoolState s = states.state(pool);
        LeaseCounts c = counts(pool);
        return new PoolStats(s.pool, s.pool.capacity(), s.pool.excludedCount(), c.locked(), c.bound(),
                c.quarantined(), c.reclaimable(), c.reserved(), s.episodes.get(),
                Optional.ofNullable(s.exhaustedSince), s.refusals.get());
    }

    private LeaseCounts counts(String pool) {
        Instant now = clock.instant();
        return store.countLeases(pool, now, now.minus(quarantine));
    }
}

package net.dtm.api;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A page of leases: the leases of one pool (or of all pools) in address order, starting after an
 * address, optionally only one device's or one state's.
 *
 * @param pool   the pool, or empty for every pool
 * @param device only this device's lease
 * @param state  only leases in this state
 * @param expired only leases that are expired (true) or active (false); empty for both
 * @param after  start after this address (keyset paging); empty for the first page
 * @param limit  at most this many leases, 1..10000
 */
public record LeaseQuery(Optional<String> pool, Optional<DeviceId> device, Optional<LeaseState> state,
                         Optional<Boolean> expired, Optional<InetAddress> after, int limit) {

    /** Largest page. */
    public static final int MAX_LIMIT = 10_000;

    public LeaseQuery {
        java.util.Objects.requireNonNull(pool, "pool");
        java.util.Objects.requireNonNull(device, "device");
        java.util.Objects.requireNonNull(state, "state");
        java.util.Objects.requireNonNull(expired, "expired");
        java.util.Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("page size " + limit + " outside 1.." + MAX_LIMIT);
        }
    }

    /** The first {@code limit} leases of {@code pool} (null: every pool). */
    public static LeaseQuery of(String pool, int limit) {
        return new LeaseQuery(Optional.ofNullable(pool), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), limit);
    }
}

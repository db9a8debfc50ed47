package net.dtm.api;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Reads pools and leases. */
@ProviderType
public interface AddressPoolService {

    /** All pools, by name. */
    List<Pool> pools();

    /** One pool. */
    Optional<Pool> pool(String name);

    /**
     * All leases of a pool (all pools if {@code pool} is null), ordered by address. Reads every
     * lease: for large pools use {@link #leases(LeaseQuery)}.
     */
    List<Lease> leases(String pool);

    /** One page of leases, in address order (pools in name order when no pool is named). */
    List<Lease> leases(LeaseQuery query);

    /** The device's lease in a pool, if it has one. */
    Optional<Lease> lease(String pool, DeviceId device);

    /** The lease holding {@code address} in a pool, if any. */
    Optional<Lease> leaseAt(String pool, InetAddress address);

    /** Number of blocks currently held (locked or bound and not expired) in a pool. */
    long used(String pool);

    /**
     * Occupancy of a pool.
     *
     * @throws DtmException {@link DtmException.Reason#NO_POOL} if there is no such pool
     */
    PoolStats stats(String pool);
}

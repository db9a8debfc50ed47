package net.dtm.api;

import org.osgi.annotation.versioning.ProviderType;

/** Changes pools and leases. Every change is durable when the method returns. */
@ProviderType
public interface AddressPoolAdminService extends AddressPoolService {

    /**
     * Creates a pool.
     *
     * @throws IllegalArgumentException if the name exists or the prefix overlaps another pool
     */
    Pool createPool(Pool pool);

    /**
     * Deletes a pool and its leases.
     *
     * @return false if there was no such pool
     */
    boolean deletePool(String name);

    /**
     * Gives the device an address: its existing lease if it has one (sticky), otherwise a free
     * address, locked to it atomically and durably before this returns.
     *
     * @throws DtmException with {@link DtmException.Reason#POOL_EXHAUSTED} or
     *                      {@link DtmException.Reason#NO_POOL} or
     *                      {@link DtmException.Reason#STORE_UNAVAILABLE}
     */
    Lease allocate(String pool, DeviceId device);

    /** Marks the lease confirmed by the device and extends it to the full lease time. */
    Lease confirm(String pool, DeviceId device);

    /** Extends the device's lease. @throws DtmException UNKNOWN_LEASE if it has none */
    Lease renew(String pool, DeviceId device);

    /** Releases the device's lease. @return false if it had none */
    boolean release(String pool, DeviceId device);
}

package net.dtm.api;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Changes pools and leases. Every change is durable when the method returns (for the async methods,
 * when their future completes).
 */
@ProviderType
public interface AddressPoolAdminService extends AddressPoolService {

    /**
     * Creates a pool.
     *
     * @throws IllegalArgumentException if the name exists or the prefix overlaps another pool
     */
    Pool createPool(Pool pool);

    /**
     * Changes a pool's lease time, excluded ranges, device group or tunnel types. Leases already
     * given out keep their addresses; an address that becomes excluded is not given out again once
     * its device lets it go.
     *
     * @throws IllegalArgumentException if there is no such pool or the prefix or delegated length
     *                                  would change (delete and re-create the pool for that)
     */
    Pool updatePool(Pool pool);

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

    /**
     * Like {@link #allocate(String, DeviceId)}, preferring {@code hint} (the address the device
     * had before, e.g. from a previous lease) when the device has no binding and the hint is free.
     */
    Lease allocate(String pool, DeviceId device, InetAddress hint);

    /**
     * Chooses the pool by its selection rule and allocates there: among the pools that serve the
     * device and tunnel type, one where the device already has a binding wins; otherwise the most
     * specific (device group, then tunnel type, then catch-all; ties by name), moving on to the
     * next when one is exhausted.
     *
     * @param hint the address the device had before, or null
     * @throws DtmException {@link DtmException.Reason#NO_POOL} if no pool serves the device
     */
    Lease allocate(DeviceId device, TunnelType type, InetAddress hint);

    /** Marks the lease confirmed by the device and extends it to the full lease time. */
    Lease confirm(String pool, DeviceId device);

    /** Extends the device's lease. @throws DtmException UNKNOWN_LEASE if it has none */
    Lease renew(String pool, DeviceId device);

    /** Releases the device's lease. @return false if it had none */
    boolean release(String pool, DeviceId device);

    /**
     * Confirms the lease the device quotes: the address (its own, or the inner address of a
     * delegated prefix) and a sequence it was told in PARAMS. The quote is checked on the binding
     * that is then confirmed, atomically with the change.
     *
     * @throws DtmException {@link DtmException.Reason#UNKNOWN_LEASE} if it holds no such lease
     */
    Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence);

    /**
     * Renews the lease the device quotes, checked atomically with the renewal.
     *
     * @throws DtmException UNKNOWN_LEASE if it holds no such lease
     */
    Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence);

    /**
     * Releases the lease the device quotes, checked atomically with the release; releasing a
     * released lease again is harmless.
     *
     * @throws DtmException UNKNOWN_LEASE if it holds no such lease (also when there is no such pool)
     */
    boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence);

    /**
     * A device's ESTABLISH: like {@link #allocate(DeviceId, TunnelType, InetAddress)} (or, with a
     * pool, {@link #allocate(String, DeviceId, InetAddress)}), checked against the device's
     * persisted high-water mark ({@link Lease#deviceSequence()}) under the device's lock: a request
     * numbered below the mark of the device's binding is refused
     * {@link DtmException.Reason#STALE_SEQUENCE}; a write it causes records the number as the mark.
     * An implementation that keeps no mark may ignore {@code requestSequence} (the default does).
     *
     * @param pool            the pool asked for, or null to select one
     * @param requestSequence the request's sequence number from its authenticated header, at least 1
     * @since 1.6
     */
    default Lease allocate(String pool, DeviceId device, TunnelType type, InetAddress hint, long requestSequence) {
        return pool == null ? allocate(device, type, hint) : allocate(pool, device, hint);
    }

    /**
     * A device's CONFIRM: {@link #confirm(String, DeviceId, InetAddress, long)}, and the request
     * numbered {@code requestSequence} must be fresh for the binding: below its
     * {@link Lease#deviceSequence()} it is refused {@link DtmException.Reason#STALE_SEQUENCE}; equal
     * to it (a copy of a request already applied, e.g. via another node) the binding is answered
     * as it is and nothing is written; above it, it is applied and becomes the mark.
     *
     * @since 1.6
     */
    default Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence,
                          long requestSequence) {
        return confirm(pool, device, quotedAddress, quotedSequence);
    }

    /**
     * {@link #allocate(String, DeviceId, TunnelType, InetAddress, long)} without holding the caller
     * while the lease is stored: the future completes with the lease, or exceptionally with what
     * that method throws, on whatever thread ended the store write. The default runs it on the
     * calling thread.
     *
     * @since 1.9
     */
    default CompletableFuture<Lease> allocateAsync(String pool, DeviceId device, TunnelType type, InetAddress hint,
                                                   long requestSequence) {
        try {
            return CompletableFuture.completedFuture(allocate(pool, device, type, hint, requestSequence));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #confirm(String, DeviceId, InetAddress, long, long)} without holding the caller, like
     * {@link #allocateAsync}. The default runs it on the calling thread.
     *
     * @since 1.9
     */
    default CompletableFuture<Lease> confirmAsync(String pool, DeviceId device, InetAddress quotedAddress,
                                                  long quotedSequence, long requestSequence) {
        try {
            return CompletableFuture.completedFuture(confirm(pool, device, quotedAddress, quotedSequence,
                    requestSequence));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A device's RENEW, checked for freshness like
     * {@link #confirm(String, DeviceId, InetAddress, long, long)}.
     *
     * @since 1.6
     */
    default Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence,
                        long requestSequence) {
        return renew(pool, device, quotedAddress, quotedSequence);
    }

    /**
     * A device's RELEASE, checked for freshness like
     * {@link #confirm(String, DeviceId, InetAddress, long, long)} (a copy of the release already
     * applied returns true and writes nothing).
     *
     * @since 1.6
     */
    default boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence,
                            long requestSequence) {
        return release(pool, device, quotedAddress, quotedSequence);
    }

    /**
     * Reserves {@code address} for {@code device}: from now on the device always gets this
     * address and no other device ever does. An existing dynamic lease of the device on another
     * address is given up; one on this address becomes reserved.
     *
     * @throws IllegalArgumentException if the address is not assignable in the pool or another
     *                                  device holds it (nothing changes then)
     */
    Lease reserve(String pool, DeviceId device, InetAddress address);

    /**
     * Turns the device's reservation back into an ordinary lease, which then ages and is
     * reclaimed like any other.
     *
     * @return false if the device had no reservation in the pool
     */
    boolean unreserve(String pool, DeviceId device);
}

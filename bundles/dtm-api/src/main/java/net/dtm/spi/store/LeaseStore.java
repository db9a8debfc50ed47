package net.dtm.spi.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;

/**
 * Persistence of pools and leases. Guarantees, for every implementation:
 * <ul>
 * <li>{@link #tryBind} is atomic: in a pool a device has at most one binding and an address at most
 * one device, even with many server nodes calling at once;</li>
 * <li>every method that changes state has made the change durable before it returns;</li>
 * <li>no method scans the pool's address space: cost depends on the leases touched, not on pool size.</li>
 * </ul>
 * A binding that is {@link LeaseState#RELEASED} or expired still occupies its address until
 * {@link #remove} deletes it; the pool manager decides when an address may go to another device.
 * Methods throw {@link StoreUnavailableException} when the store cannot be reached; nothing is
 * changed then.
 */
@ConsumerType
public interface LeaseStore {

    /** Service property naming the implementation, e.g. {@code derby} or {@code zookeeper}. */
    String PROP_STORE_TYPE = "dtm.store.type";

    /**
     * Creates a pool.
     *
     * @throws IllegalArgumentException if a pool of that name exists
     */
    void createPool(Pool pool);

    /** Deletes a pool and all its bindings. @return false if it did not exist */
    boolean deletePool(String name);

    /** All pools. */
    List<Pool> pools();

    /** One pool. */
    Optional<Pool> pool(String name);

    /**
     * Binds {@code address} to {@code device} in {@code pool} with state {@link LeaseState#LOCKED},
     * sequence 1, unless the device already has a binding there or the address is taken.
     */
    BindResult tryBind(String pool, DeviceId device, InetAddress address, Instant expiresAt, String nodeId);

    /**
     * Replaces the device's binding with {@code updated} if its current sequence is
     * {@code expectedSequence} (compare and set). {@code updated} must keep pool, device and address
     * and carry a higher sequence.
     *
     * @return the stored binding, or empty if the device has no binding or the sequence differs
     */
    Optional<Lease> update(Lease updated, long expectedSequence);

    /**
     * Deletes the device's binding if its sequence is {@code expectedSequence}, freeing the address.
     *
     * @return false if there was no such binding or the sequence differs
     */
    boolean remove(String pool, DeviceId device, long expectedSequence);

    /** The device's binding in the pool. */
    Optional<Lease> findByDevice(String pool, DeviceId device);

    /** The binding holding an address. */
    Optional<Lease> findByAddress(String pool, InetAddress address);

    /** All bindings of a pool, ordered by address. */
    List<Lease> leases(String pool);
}

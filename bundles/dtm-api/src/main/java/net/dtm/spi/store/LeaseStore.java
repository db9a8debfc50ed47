package net.dtm.spi.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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
 * <li>every method that changes state has made the change durable before it returns (an
 * implementation may batch concurrent changes into one durable commit, but no call returns before
 * its change is durable);</li>
 * <li>no method scans the pool's address space: cost depends on the leases touched (or, for the
 * listing and counting methods, on the leases stored), never on the pool's size.</li>
 * </ul>
 * A binding that is {@link LeaseState#RELEASED} or expired still occupies its address until
 * {@link #remove} deletes it; the pool manager decides when an address may go to another device.
 * Methods throw {@link StoreUnavailableException} when the store cannot be reached; nothing is
 * changed then, unless the exception says the outcome of the write is unknown (the store stopped
 * answering while the write was in flight: a commit that did not end within its bound, a lost
 * connection): then the change is made entirely or not at all, at most once, possibly later, and
 * the next compare-and-set on the binding sees which.
 */
@ConsumerType
public interface LeaseStore {

    /**
     * Service property naming the implementation, e.g. {@code derby} or {@code zookeeper}: the
     * value of {@code type} in PID {@value StoreSelection#PID} that selects it.
     */
    String PROP_STORE_TYPE = "dtm.store.type";

    /**
     * Service property, {@code true} on the registration of a store that brings its own
     * {@link net.dtm.spi.cluster.Cluster} (e.g. {@code zookeeper}); absent or {@code false}, the
     * node is a cluster of one and the standalone cluster serves beside the store.
     */
    String PROP_STORE_CLUSTERED = "dtm.store.clustered";

    /**
     * Service property, optional: the folder (absolute path, a string) holding this node's own store
     * data, for a store kept on the node's disk; the standalone cluster keeps its node-local state
     * (the draining flag) beside it by default. Absent for a shared store.
     */
    String PROP_STORE_DATA_DIR = "dtm.store.data.dir";

    /**
     * Creates a pool, keeping every field of it.
     *
     * @throws IllegalArgumentException if a pool of that name exists
     */
    void createPool(Pool pool);

    /**
     * Creates a pool if {@code check}, given every stored pool, accepts it (it throws to refuse,
     * e.g. for an overlapping prefix), atomically with every other such creation on any node: a
     * store shared by several nodes makes sure no pool was created between the check and the
     * creation, and checks again if one was. The default checks, then creates: atomic only where
     * all creations go through one caller that serialises them (one node's pool manager).
     *
     * @throws IllegalArgumentException if a pool of that name exists, or as {@code check} throws
     * @since 2.3
     */
    default void createPool(Pool pool, Consumer<List<Pool>> check) {
        check.accept(pools());
        createPool(pool);
    }

    /**
     * Replaces a pool's definition, keeping its bindings.
     *
     * @throws IllegalArgumentException if there is no such pool, or its prefix or delegated length
     *                                  differs from the stored one
     */
    void updatePool(Pool pool);

    /** Deletes a pool and all its bindings. @return false if it did not exist */
    boolean deletePool(String name);

    /** All pools, by name. */
    List<Pool> pools();

    /** One pool. */
    Optional<Pool> pool(String name);

    /**
     * Stores {@code proposed} as a new binding unless its device already has a binding in its
     * pool or its address is taken there.
     *
     * @throws IllegalArgumentException if the pool does not exist
     */
    BindResult tryBind(Lease proposed);

    /**
     * Replaces the device's binding with {@code updated} if its current sequence is
     * {@code expectedSequence} (compare and set). {@code updated} must keep pool, device and address
     * and carry a higher sequence; state, expiry, node and the reservation flag may change.
     *
     * @return the stored binding, or empty if the device has no binding or the sequence differs
     */
    Optional<Lease> update(Lease updated, long expectedSequence);

    /**
     * As {@link #tryBind}, without holding the caller: the future completes once the binding is
     * stored (or refused, or failed, exceptionally with what {@link #tryBind} would throw), on
     * whatever thread ended the write; its continuations must not call this store synchronously.
     * The default runs {@link #tryBind} on the calling thread.
     *
     * @since 2.6
     */
    default CompletableFuture<BindResult> tryBindAsync(Lease proposed) {
        try {
            return CompletableFuture.completedFuture(tryBind(proposed));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * As {@link #update}, without holding the caller, like {@link #tryBindAsync}. The default runs
     * {@link #update} on the calling thread.
     *
     * @since 2.6
     */
    default CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) {
        try {
            return CompletableFuture.completedFuture(update(updated, expectedSequence));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

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

    /**
     * One page of a pool's bindings in address order: at most {@code limit} whose address is
     * above {@code after} (from the lowest if {@code after} is null).
     */
    List<Lease> leases(String pool, InetAddress after, int limit);

    /**
     * Bindings that are not reserved and whose expiry (for RELEASED ones the moment of release)
     * is at or before {@code boundary}, oldest expiry first, at most {@code limit}. The pool
     * manager passes {@code now - quarantine}: these bindings may go to other devices.
     */
    List<Lease> reclaimable(String pool, Instant boundary, int limit);

    /**
     * Hands every bound address of the pool to {@code sink} in ascending order, without building
     * lease objects (used to rebuild a node's free-address index).
     */
    void forEachAddress(String pool, Consumer<InetAddress> sink);

    /**
     * Counts a pool's bindings at {@code now}: locked and bound ones not expired; released or
     * expired ones split at {@code quarantineBoundary} (expiry after it: quarantined, at or
     * before it: reclaimable); reserved ones.
     */
    LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary);
}

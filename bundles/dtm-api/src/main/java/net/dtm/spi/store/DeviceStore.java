package net.dtm.spi.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/**
 * Persistence of enrolled devices and their keys. Changes are durable when a method returns.
 * A store tells {@linkplain #addDeviceListener listeners} of every change, wherever it was made,
 * so that each node's device registry can drop what it cached.
 */
@ConsumerType
public interface DeviceStore {

    /** Told of changes to enrolled devices made through this node or any other (on a notification thread). */
    @FunctionalInterface
    interface Listener {

        /** The device was enrolled, changed or removed. */
        void changed(DeviceId id);

        /** Changes may have been missed (the store's watch started or restarted): any device may have changed. */
        default void resynced() {
        }
    }

    /** A registered {@link Listener}; closing it ends the notifications. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Stores a new device. @return false if the device already exists (nothing changed) */
    boolean add(DeviceCredential credential);

    /** One device. */
    Optional<DeviceCredential> find(DeviceId id);

    /** All devices, by id. */
    List<DeviceCredential> list();

    /** Deletes a device. @return false if it did not exist */
    boolean remove(DeviceId id);

    /**
     * Replaces a device's record (a re-key, disabling or enabling) if the stored one still equals
     * {@code expected}: compare-and-set, so two nodes changing one device at once never lose a change.
     *
     * @return false if the device is gone or its record differs from {@code expected} (nothing changed)
     * @throws UnsupportedOperationException if this store cannot change a device in place (the default)
     * @since 2.3
     */
    default boolean replace(DeviceCredential expected, DeviceCredential updated) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot change an enrolled device");
    }

    /**
     * Tells {@code listener} of every later change to a device, made through this store or (for a
     * shared store) any other node's, within a second. A store that cannot (the default) returns
     * empty: its users then re-read what they cache from time to time.
     *
     * @since 2.3
     */
    default Optional<Subscription> addDeviceListener(Listener listener) {
        return Optional.empty();
    }
}

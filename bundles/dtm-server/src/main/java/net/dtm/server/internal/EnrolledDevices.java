package net.dtm.server.internal;

import java.util.Objects;
import java.util.Optional;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * Where the enrolment path reads and writes device records: the store itself (a read is always the
 * stored record, for the compare-and-set that follows), and the node's device registry told of each
 * change at once ({@link DeviceManager} implements this so its cache is dropped on the writing node,
 * not only when the store's notice arrives).
 */
public interface EnrolledDevices {

    /** The device as stored now. @throws RuntimeException if the store cannot be read */
    Optional<DeviceCredential> stored(DeviceId id);

    /** Stores a device that enrolled itself. @return false if the id exists (nothing changed) */
    boolean addEnrolled(DeviceCredential credential);

    /** Compare-and-set of a device's record. @return false if it differs from {@code expected} (nothing changed) */
    boolean replaceEnrolled(DeviceCredential expected, DeviceCredential updated);

    /** Straight over a store (whose listeners tell the registry). */
    static EnrolledDevices over(DeviceStore store) {
        Objects.requireNonNull(store, "store");
        return new EnrolledDevices() {
            @Override
            public Optional<DeviceCredential> stored(DeviceId id) {
                return store.find(id);
            }

            @Override
            public boolean addEnrolled(DeviceCredential credential) {
                return store.add(credential);
            }

            @Override
            public boolean replaceEnrolled(DeviceCredential expected, DeviceCredential updated) {
                return store.replace(expected, updated);
            }
        };
    }
}

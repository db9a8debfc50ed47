package net.dtm.spi.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/** Persistence of enrolled devices and their keys. Changes are durable when a method returns. */
@ConsumerType
public interface DeviceStore {

    /** Stores a new device. @return false if the device already exists (nothing changed) */
    boolean add(DeviceCredential credential);

    /** One device. */
    Optional<DeviceCredential> find(DeviceId id);

    /** All devices, by id. */
    List<DeviceCredential> list();

    /** Deletes a device. @return false if it did not exist */
    boolean remove(DeviceId id);
}

package net.dtm.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The registry of enrolled devices. */
@ProviderType
public interface DeviceService {

    /** All enrolled devices, by id. */
    List<DeviceCredential> devices();

    /** One device. */
    Optional<DeviceCredential> device(DeviceId id);

    /**
     * Enrols a device with a fresh random key.
     *
     * @throws IllegalArgumentException if it is already enrolled
     */
    DeviceCredential enroll(DeviceId id);

    /**
     * Enrols a device with a key the operator supplies (e.g. provisioned at the factory).
     *
     * @throws IllegalArgumentException if it is already enrolled or the key is malformed
     */
    DeviceCredential enroll(DeviceId id, byte[] key);

    /** Removes a device. @return false if it was not enrolled */
    boolean remove(DeviceId id);
}

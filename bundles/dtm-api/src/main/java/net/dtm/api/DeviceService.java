package net.dtm.api;

import java.time.Duration;
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

    /**
     * Removes a device: every node drops its requests (within a second in a cluster). Its leases
     * are left to the caller (the {@code device:remove} command releases them).
     *
     * @return false if it was not enrolled
     */
    boolean remove(DeviceId id);

    /**
     * Gives a device a fresh random key; its current key stays accepted for {@code overlap} (zero:
     * not at all) while the device is given the new one. A key kept from an earlier re-key is dropped.
     *
     * @return the device with its new key
     * @throws IllegalArgumentException if it is not enrolled or the overlap is negative
     * @since 1.6
     */
    DeviceCredential rekey(DeviceId id, Duration overlap);

    /**
     * Gives a device the key the operator supplies, as {@link #rekey(DeviceId, Duration)}.
     *
     * @throws IllegalArgumentException if it is not enrolled, the key is malformed or the overlap negative
     * @since 1.6
     */
    DeviceCredential rekey(DeviceId id, byte[] key, Duration overlap);

    /**
     * Disables a device: every node drops its requests unanswered until it is enabled again; its
     * key and leases are kept.
     *
     * @return false if it was already disabled
     * @throws IllegalArgumentException if it is not enrolled
     * @since 1.6
     */
    boolean disable(DeviceId id);

    /**
     * Enables a disabled device.
     *
     * @return false if it was not disabled
     * @throws IllegalArgumentException if it is not enrolled
     * @since 1.6
     */
    boolean enable(DeviceId id);

    /**
     * Allows re-enrolment of a device for {@code within}: the router that enrolled itself as it may
     * fetch its current credential without an enrolment key (after a re-key), and another router
     * with a valid enrolment key may take the id over (a replaced router: it keeps the id and its
     * leases, the old router's key stops working). Zero withdraws the allowance.
     *
     * @return the device as changed
     * @throws IllegalArgumentException if it is not enrolled or {@code within} is negative
     * @since 1.7
     */
    DeviceCredential allowReenrolment(DeviceId id, Duration within);
}

package net.dtm.api;

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

    /** Leases of a pool (all pools if {@code pool} is null), ordered by address. */
    List<Lease> leases(String pool);

    /** The device's lease in a pool, if it has one. */
    Optional<Lease> lease(String pool, DeviceId device);

    /** Number of addresses currently held (locked or bound and not expired) in a pool. */
    long used(String pool);
}

package net.dtm.api;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Finds one lease of a pool by what an operator types: a device id, or an address of the pool
 * (for a delegated prefix any address inside it); {@code lease:show} and the REST API use it.
 */
public final class LeaseLookup {

    private LeaseLookup() {
    }

    /**
     * The lease {@code key} names in {@code pool}, if any ({@link #notFound} says why not). An IP
     * literal inside the pool is looked up as an address first; device ids may look like
     * addresses, so a miss falls back to the device of that id.
     *
     * @throws IllegalArgumentException with {@link DeviceId}'s message if {@code key} is neither an
     *                                  IP literal nor a device id (checked before any read)
     */
    public static Optional<Lease> find(AddressPoolService service, Pool pool, String key) {
        InetAddress address = literal(key);
        Optional<DeviceId> device = address == null ? Optional.of(DeviceId.of(key)) : deviceId(key);
        if (address != null && pool.prefix().contains(address)) {
            Optional<Lease> at = service.leaseAt(pool.name(), pool.blockStart(address));
            if (at.isPresent()) {
                return at;
            }
        }
        return device.isPresent() ? service.lease(pool.name(), device.get()) : Optional.empty();
    }

    /** Why {@link #find} found nothing for {@code key}: e.g. {@code device smr-9 has no lease in pool demo}. */
    public static String notFound(Pool pool, String key) {
        InetAddress address = literal(key);
        if (address == null) {
            return "device " + key + " has no lease in pool " + pool.name();
        }
        String where = pool.prefix().contains(address) ? "no lease holds " + Cidr.format(address) + " in pool " + pool.name()
                : Cidr.format(address) + " is outside pool " + pool.name() + " (" + pool.prefix() + ")";
        return deviceId(key).isPresent() ? where + ", and no device of that id has a lease there" : where;
    }

    private static InetAddress literal(String text) {
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<DeviceId> deviceId(String text) {
        try {
            return Optional.of(DeviceId.of(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

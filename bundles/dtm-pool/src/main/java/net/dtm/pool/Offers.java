package net.dtm.pool;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;

/**
 * The LOCKED bindings this node wrote and has not yet seen confirmed (bounded): the CONFIRM that
 * follows an offer needs no read, as the compare-and-set that binds it proves it is still the
 * stored one; and a device this node has not just offered an address is most likely new.
 */
final class Offers {

    /** Most LOCKED bindings remembered for their CONFIRM. */
    static final int MAX = 65_536;

    private final BoundedMap<LeaseKey, Lease> recent = new BoundedMap<>(MAX);

    /** Remembers {@code lease} if it is an offer (LOCKED). @return the lease */
    Lease remember(Lease lease) {
        if (lease.state() == LeaseState.LOCKED) {
            recent.put(new LeaseKey(lease.pool(), lease.device()), lease);
        }
        return lease;
    }

    /** The offer this node last wrote for the device, or null. */
    Lease get(String pool, DeviceId device) {
        return recent.get(new LeaseKey(pool, device));
    }

    boolean contains(String pool, DeviceId device) {
        return recent.containsKey(new LeaseKey(pool, device));
    }

    /** The offer is bound (or gone): forget it. */
    void forget(String pool, DeviceId device) {
        recent.remove(new LeaseKey(pool, device));
    }
}

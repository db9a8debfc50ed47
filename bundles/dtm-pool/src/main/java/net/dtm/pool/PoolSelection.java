package net.dtm.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.LeaseStore;

/**
 * Which pool serves a device: among the pools whose selection rule serves the device and tunnel
 * type, one where the device already has a binding comes first (sticky across pools); then the
 * most specific (device group, then tunnel type, then catch-all; ties by name), moving on to the
 * next when one is exhausted.
 */
final class PoolSelection {

    private final LeaseStore store;
    private final PoolCatalogue catalogue;

    PoolSelection(LeaseStore store, PoolCatalogue catalogue) {
        this.store = store;
        this.catalogue = catalogue;
    }

    /** The pools that serve the device, in the order to try them. */
    List<Pool> candidates(DeviceId device, TunnelType type) {
        List<Pool> out = new ArrayList<>();
        for (Pool p : catalogue.forSelection()) {
            if (p.serves(device, type)) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparingInt(Pool::specificity).reversed().thenComparing(Pool::name));
        if (out.size() > 1) {
            for (int i = 0; i < out.size(); i++) {
                if (store.findByDevice(out.get(i).name(), device).isPresent()) {
                    out.add(0, out.remove(i));
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Allocates in the first candidate that is not exhausted (or gone).
     *
     * @throws DtmException NO_POOL if there is no candidate, else the first refusal when all refuse
     */
    static Lease allocateInFirst(List<Pool> candidates, DeviceId device, TunnelType type, Function<Pool, Lease> allocate) {
        if (candidates.isEmpty()) {
            throw new DtmException(Reason.NO_POOL, "no pool serves device " + device
                    + (type == null ? "" : " with tunnel type " + type.name().toLowerCase(Locale.ROOT)));
        }
        DtmException exhausted = null;
        for (Pool p : candidates) {
            try {
                return allocate.apply(p);
            } catch (DtmException e) {
                if (e.reason() != Reason.POOL_EXHAUSTED && e.reason() != Reason.NO_POOL) {
                    throw e;
                }
                exhausted = exhausted == null ? e : exhausted;
            }
        }
        throw exhausted;
    }
}

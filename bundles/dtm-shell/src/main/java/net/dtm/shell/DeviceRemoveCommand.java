package net.dtm.shell;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Lease;
import net.dtm.api.Pool;

/**
 * {@code device:remove}: removes a device from the registry, then releases its lease in every
 * pool (ending a reservation), so its addresses return to their pools after the quarantine.
 */
@Service
@Command(scope = "device", name = "remove", description = "Removes a device: every node drops its requests within a "
        + "second; then its lease in every pool is released (a reservation ended), so its addresses return to their "
        + "pools after the quarantine")
public class DeviceRemoveCommand extends DeviceCommand {

    @Reference(optional = true)
    AddressPoolAdminService pools;

    @Override
    String refusal() {
        return "Device not removed";
    }

    @Override
    void run(DeviceService service, DeviceId device) {
        if (!service.remove(device)) {
            throw new IllegalArgumentException("device " + device + " is not enrolled");
        }
        out().println("Device " + device + " removed: its requests are dropped on every node.");
        if (pools == null) {
            out().println("Its leases were not released: the address pool service is not available on this node "
                    + "(lease:release them where it is).");
            return;
        }
        for (Pool pool : pools.pools()) {
            try {
                Optional<Lease> lease = pools.lease(pool.name(), device);
                if (lease.isEmpty()) {
                    continue;
                }
                if (lease.get().reserved()) {
                    pools.unreserve(pool.name(), device);
                }
                pools.release(pool.name(), device);
                out().println("Released its lease on " + pool.describe(lease.get().address()) + " in pool " + pool.name()
                        + (lease.get().reserved() ? " and ended its reservation" : "") + "; free after the quarantine.");
            } catch (RuntimeException e) {
                out().println("Could not release its lease in pool " + pool.name() + ": " + e.getMessage()
                        + " (lease:release " + pool.name() + " " + device + " later).");
            }
        }
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.Cidr;
import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;

/** {@code lease:release}: an operator releases a device's lease. */
@Service
@Command(scope = "lease", name = "release", description = "Releases a device's lease in a pool (operator release); "
        + "the address stays with the device until the pool needs it")
public class LeaseReleaseCommand extends PoolCommand {

    @Argument(index = 0, name = "pool", required = true, description = "Pool name")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Argument(index = 1, name = "device", required = true, description = "Device id")
    @Completion(DeviceIdCompleter.class)
    String device;

    @Reference(optional = true)
    AddressPoolAdminService admin;

    @Override
    String refusal() {
        return "Lease not released";
    }

    @Override
    void run() throws Exception {
        AddressPoolAdminService service = require(admin, SERVICE, FEATURE);
        Pool p = pool(service, pool);
        DeviceId id = device(device);
        Lease before = service.lease(p.name(), id).orElseThrow(() -> refused(noLease(p)));
        if (!service.release(p.name(), id)) {
            throw refused(noLease(p));
        }
        String was = before.state() == LeaseState.RELEASED ? "it was already released"
                : "was " + before.state().name() + (before.isActiveAt(clock.instant()) ? "" : ", expired");
        out().println("Released the lease of " + id + " on " + p.describe(before.address()) + " in pool " + p.name()
                + " (" + was + ")");
        if (before.reserved()) {
            out().println("The address stays reserved for " + id + "; lease:reserve --remove " + p.name() + " " + id
                    + " ends the reservation.");
        }
    }

    private String noLease(Pool p) {
        return "device " + device + " has no lease in pool " + p.name();
    }
}

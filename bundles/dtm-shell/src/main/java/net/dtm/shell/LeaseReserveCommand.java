package net.dtm.shell;

import java.net.InetAddress;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.Cidr;
import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;

/** {@code lease:reserve}: pins an address to a device, or with {@code --remove} turns the reservation back into a lease. */
@Service
@Command(scope = "lease", name = "reserve", description = "Reserves an address of a pool for a device (it always gets it, "
        + "no other device ever does); --remove <pool> <device> turns the reservation back into an ordinary lease")
public class LeaseReserveCommand extends PoolCommand {

    @Argument(index = 0, name = "pool", required = true, description = "Pool name")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Argument(index = 1, name = "device", required = true, description = "Device id")
    @Completion(DeviceIdCompleter.class)
    String device;

    @Argument(index = 2, name = "address", required = false, description = "The address to reserve (not with --remove)")
    String address;

    @Option(name = "-r", aliases = "--remove", description = "Remove the device's reservation instead")
    boolean remove;

    @Reference(optional = true)
    AddressPoolAdminService admin;

    @Override
    String refusal() {
        return remove ? "Reservation not removed" : "Address not reserved";
    }

    @Override
    void run() throws Exception {
        AddressPoolAdminService service = require(admin, SERVICE, FEATURE);
        if (remove && address != null) {
            throw refused("--remove takes no address: lease:reserve --remove " + pool + " " + device);
        }
        if (!remove && address == null) {
            throw refused("no address given: lease:reserve " + pool + " " + device + " <address>, or --remove to drop a reservation");
        }
        Pool p = pool(service, pool);
        DeviceId id = device(device);
        if (remove) {
            Optional<Lease> before = service.lease(p.name(), id);
            if (!service.unreserve(p.name(), id)) {
                throw refused("device " + id + " has no reservation in pool " + p.name());
            }
            out().println("Reservation of " + before.map(l -> p.describe(l.address()) + " ").orElse("") + "for " + id
                    + " in pool " + p.name() + " removed: it is an ordinary lease now, aged and reclaimed like any other");
            return;
        }
        InetAddress a = addressIn(p, address);
        if (!p.isAssignable(a)) {
            throw refused(Cidr.format(a) + " cannot be handed out in pool " + p.name() + ": " + whyNot(p, a));
        }
        Optional<Lease> before = service.lease(p.name(), id);
        Lease reserved;
        try {
            reserved = service.reserve(p.name(), id, a);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        String previous = before.filter(l -> !l.address().equals(reserved.address()))
                .map(l -> "; its lease on " + p.describe(l.address()) + " was given up").orElse("");
        out().println("Reserved " + p.describe(reserved.address()) + " in pool " + p.name() + " for " + id + previous);
    }

    private static String whyNot(Pool p, InetAddress a) {
        if (a.equals(p.prefix().network())) {
            return "it is the network address";
        }
        if (a.equals(p.gateway())) {
            return "it is the gateway";
        }
        long block;
        try {
            block = p.offsetOf(a);
        } catch (ArithmeticException e) {
            block = Long.MAX_VALUE; // beyond the blocks a pool numbers
        }
        if (p.delegatesPrefixes() && block >= p.firstHostOffset() && block < p.endHostOffset()) {
            return "it is not the start of a /" + p.delegatedLength() + " prefix";
        }
        if (p.prefix().isIpv4() && block == p.endHostOffset()) {
            return "it is the broadcast address";
        }
        return "it lies outside the pool's assignable blocks (" + p.describe(p.addressAt(p.firstHostOffset())) + " to "
                + p.describe(p.addressAt(p.endHostOffset() - 1)) + ")";
    }
}

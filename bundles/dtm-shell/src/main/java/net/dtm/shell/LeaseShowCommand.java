package net.dtm.shell;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;

/** {@code lease:show}: one lease, found by device or by address. */
@Service
@Command(scope = "lease", name = "show", description = "Shows one lease of a pool, by device id or by address: state, "
        + "reservation, expiry, the device's inner address and gateway")
public class LeaseShowCommand extends PoolCommand {

    @Argument(index = 0, name = "pool", required = true, description = "Pool name")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Argument(index = 1, name = "device-or-address", required = true, description = "Device id, or an address of the pool")
    @Completion(DeviceIdCompleter.class)
    String key;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    void run() throws Exception {
        AddressPoolService service = require(pools, SERVICE, FEATURE);
        Pool p = pool(service, pool);
        Lease lease = find(service, p).orElseThrow(() -> refused(notFound(p)));
        Map<String, Object> row = PoolRows.lease(lease, p, clock.instant(), json);
        PoolRows.tunnelEnd(row, lease, p);
        if (json) {
            out().println(Json.object(row));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        for (Map.Entry<String, Object> e : row.entrySet()) {
            table.addRow().addContent(e.getKey(), e.getValue());
        }
        table.print(out());
    }

    /**
     * An IP literal is looked up as an address first (device ids may look like addresses, so a
     * miss falls back to the device id); anything else is a device id.
     */
    private Optional<Lease> find(AddressPoolService service, Pool p) throws Exception {
        InetAddress address = literal(key);
        if (address != null && p.prefix().contains(address)) {
            // For a delegated prefix any address inside it finds the lease (stored on the prefix's first address).
            Optional<Lease> at = service.leaseAt(p.name(), blockStart(p, address));
            if (at.isPresent() || !isDeviceId(key)) {
                return at;
            }
        }
        if (address != null && !isDeviceId(key)) {
            throw refused(Cidr.format(address) + " is outside pool " + p.name() + " (" + p.prefix().toString() + ")");
        }
        return service.lease(p.name(), device(key));
    }

    /** The first address of the block holding {@code address}: where a lease on a delegated prefix is stored. */
    private static InetAddress blockStart(Pool p, InetAddress address) {
        if (!p.delegatesPrefixes()) {
            return address;
        }
        try {
            return p.addressAt(p.offsetOf(address));
        } catch (ArithmeticException e) {
            return address; // beyond the numbered blocks: no lease can be there
        }
    }

    private String notFound(Pool p) {
        InetAddress address = literal(key);
        if (address == null) {
            return "device " + key + " has no lease in pool " + p.name();
        }
        String where = p.prefix().contains(address) ? "no lease holds " + Cidr.format(address) + " in pool " + p.name()
                : Cidr.format(address) + " is outside pool " + p.name() + " (" + p.prefix().toString() + ")";
        return isDeviceId(key) ? where + ", and no device of that id has a lease there" : where;
    }

    private static InetAddress literal(String text) {
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isDeviceId(String text) {
        try {
            DeviceId.of(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

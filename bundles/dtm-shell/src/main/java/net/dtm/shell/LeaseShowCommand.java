package net.dtm.shell;

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
import net.dtm.api.Lease;
import net.dtm.api.LeaseLookup;
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
        Optional<Lease> found;
        try {
            found = LeaseLookup.find(service, p, key);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage()); // neither an address nor a device id
        }
        Lease lease = found.orElseThrow(() -> refused(LeaseLookup.notFound(p, key)));
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
}

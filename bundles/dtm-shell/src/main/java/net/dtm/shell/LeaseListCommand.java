package net.dtm.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;

/** {@code lease:list}: the address bindings, optionally of one pool or one device. */
@Service
@Command(scope = "lease", name = "list", description = "Lists leases (address bindings) of all pools or one pool, optionally of one device")
public class LeaseListCommand extends DtmCommand {

    @Option(name = "-p", aliases = "--pool", description = "Only this pool")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Option(name = "-d", aliases = "--device", description = "Only this device")
    @Completion(DeviceIdCompleter.class)
    String device;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    public Object execute() throws Exception {
        AddressPoolService service = require(pools, "The address pool service", "dtm-server");
        DeviceId deviceId = null;
        if (device != null) {
            try {
                deviceId = DeviceId.of(device);
            } catch (IllegalArgumentException e) {
                throw new CommandException(e.getMessage());
            }
        }
        if (pool != null && service.pool(pool).isEmpty()) {
            throw new CommandException("No pool named '" + pool + "'");
        }
        List<Lease> leases;
        if (deviceId != null && pool != null) {
            leases = service.lease(pool, deviceId).map(List::of).orElse(List.of());
        } else {
            leases = service.leases(pool);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Lease lease : leases) {
            if (deviceId != null && !lease.device().equals(deviceId)) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pool", lease.pool());
            row.put("device", lease.device().value());
            row.put("address", lease.address().getHostAddress());
            row.put("state", lease.state().name());
            row.put("sequence", lease.sequence());
            row.put("expires", json ? lease.expiresAt().toString() : time(lease.expiresAt()));
            row.put("node", lease.nodeId());
            rows.add(row);
        }
        if (json) {
            out().println(Json.array(rows));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Pool");
        table.column("Device");
        table.column("Address");
        table.column("State");
        table.column("Sequence").alignRight();
        table.column("Expires");
        table.column("Node");
        table.emptyTableText("no leases");
        for (Map<String, Object> row : rows) {
            table.addRow().addContent(row.values().toArray());
        }
        table.print(out());
        return null;
    }
}

package net.dtm.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.Pool;

/** {@code pool:list}: the address pools with their size and use. */
@Service
@Command(scope = "pool", name = "list", description = "Lists the address pools: prefix, lease time, capacity and addresses in use")
public class PoolListCommand extends DtmCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    public Object execute() throws Exception {
        AddressPoolService service = require(pools, "The address pool service", "dtm-server");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Pool pool : service.pools()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", pool.name());
            row.put("prefix", pool.prefix().toString());
            row.put("leaseSeconds", pool.leaseSeconds());
            row.put("capacity", pool.capacity());
            row.put("used", service.used(pool.name()));
            rows.add(row);
        }
        if (json) {
            out().println(Json.array(rows));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Prefix");
        table.column("Lease time (s)").alignRight();
        table.column("Capacity").alignRight();
        table.column("Used").alignRight();
        table.emptyTableText("no pools");
        for (Map<String, Object> row : rows) {
            table.addRow().addContent(row.values().toArray());
        }
        table.print(out());
        return null;
    }
}

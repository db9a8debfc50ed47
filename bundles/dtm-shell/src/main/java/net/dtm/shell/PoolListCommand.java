package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.DtmException;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;

/** {@code pool:list}: the address pools with what they hand out, their use and selection rule. */
@Service
@Command(scope = "pool", name = "list", description = "Lists the address pools: prefix, what they hand out (address or prefix), "
        + "lease time, used/capacity, utilisation and selection rule")
public class PoolListCommand extends PoolCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    void run() throws Exception {
        AddressPoolService service = require(pools, SERVICE, FEATURE);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Pool pool : service.pools()) {
            PoolStats stats;
            try {
                stats = service.stats(pool.name());
            } catch (DtmException e) {
                if (e.reason() == DtmException.Reason.NO_POOL) {
                    continue; // deleted since pools() was read
                }
                throw e;
            }
            rows.add(PoolRows.listRow(pool, stats, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Prefix");
        table.column("Hands out");
        table.column("Lease time (s)").alignRight();
        table.column("Used").alignRight();
        table.column("Capacity").alignRight();
        table.column("Use (%)").alignRight();
        table.column("Selection");
        table.emptyTableText("no pools");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.get("name"), r.get("prefix"), r.get("handsOut"), r.get("leaseSeconds"), r.get("used"),
                    r.get("capacity"), r.get("utilisationPercent"), r.get("selection"));
        }
        table.print(out());
    }
}

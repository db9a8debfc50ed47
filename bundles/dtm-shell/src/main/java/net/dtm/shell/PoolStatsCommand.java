package net.dtm.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.DtmException;
import net.dtm.api.Pool;

/** {@code pool:stats}: occupancy and exhaustion figures of one pool or of every pool. */
@Service
@Command(scope = "pool", name = "stats", description = "Shows occupancy of one pool or all: capacity, excluded, locked, bound, "
        + "quarantined, reclaimable, reserved, free, utilisation, exhaustion episodes, exhausted since, refusals")
public class PoolStatsCommand extends PoolCommand {

    @Argument(index = 0, name = "name", required = false, description = "Pool name (default: every pool)")
    @Completion(PoolNameCompleter.class)
    String name;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table (an object for one pool, an array for all)")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    void run() throws Exception {
        AddressPoolService service = require(pools, SERVICE, FEATURE);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Pool> selected = name == null ? service.pools() : List.of(pool(service, name));
        for (Pool pool : selected) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pool", pool.name());
            try {
                row.putAll(PoolRows.stats(service.stats(pool.name()), json));
            } catch (DtmException e) {
                if (name == null && e.reason() == DtmException.Reason.NO_POOL) {
                    continue; // deleted since pools() was read
                }
                throw e;
            }
            rows.add(row);
        }
        if (json) {
            out().println(name == null ? Json.array(rows) : Json.object(rows.get(0)));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Pool");
        table.column("Capacity").alignRight();
        table.column("Excluded").alignRight();
        table.column("Locked").alignRight();
        table.column("Bound").alignRight();
        table.column("Quarantined").alignRight();
        table.column("Reclaimable").alignRight();
        table.column("Reserved").alignRight();
        table.column("Free").alignRight();
        table.column("Use (%)").alignRight();
        table.column("Exhaustions").alignRight();
        table.column("Exhausted since");
        table.column("Refusals").alignRight();
        table.emptyTableText("no pools");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.get("pool"), r.get("capacity"), r.get("excluded"), r.get("locked"), r.get("bound"),
                    r.get("quarantined"), r.get("reclaimable"), r.get("reserved"), r.get("free"), r.get("utilisationPercent"),
                    r.get("exhaustedEpisodes"), r.get("exhaustedSince"), r.get("refusals"));
        }
        table.print(out());
    }
}

package net.dtm.shell;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.AddressPoolService;
import net.dtm.api.Pool;

/** {@code pool:show}: one pool's full definition and its occupancy. */
@Service
@Command(scope = "pool", name = "show", description = "Shows one pool: prefix, what it hands out, gateway, excluded ranges, "
        + "device patterns, tunnel types, lease time, and its stats")
public class PoolShowCommand extends PoolCommand {

    @Argument(index = 0, name = "name", required = true, description = "Pool name")
    @Completion(PoolNameCompleter.class)
    String name;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    void run() throws Exception {
        AddressPoolService service = require(pools, SERVICE, FEATURE);
        Pool pool = pool(service, name);
        Map<String, Object> definition = PoolRows.definition(pool, json);
        Map<String, Object> stats = PoolRows.stats(service.stats(pool.name()), json);
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>(definition);
            all.put("stats", stats);
            out().println(Json.object(all));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        for (Map.Entry<String, Object> e : definition.entrySet()) {
            table.addRow().addContent(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Object> e : stats.entrySet()) {
            table.addRow().addContent("stats." + e.getKey(), e.getValue());
        }
        table.print(out());
    }
}

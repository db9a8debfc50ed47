package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;

/** {@code vendor:list}: the vendor adapters installed, in the order the core prefers them. */
@Service
@Command(scope = "vendor", name = "list", description = "Lists the installed vendor adapters in the order they are preferred: "
        + "vendor, models, OS versions, behaviours, bundle, ranking")
public class VendorListCommand extends ConfigCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run(ConfigurationService service) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AdapterInfo a : service.adapters()) {
            rows.add(ConfigRows.adapter(a, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Vendor");
        table.column("Models");
        table.column("OS versions");
        table.column("Behaviours");
        table.column("Bundle");
        table.column("Ranking").alignRight();
        table.emptyTableText("no vendor adapters installed");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.values().toArray());
        }
        table.print(out());
    }
}

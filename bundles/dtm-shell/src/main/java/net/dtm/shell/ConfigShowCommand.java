package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;

/**
 * {@code config:show}: every tunnel end this node configures, one row each; or one end with its
 * intent, its running state read from the device now, and the diff between them.
 */
@Service
@Command(scope = "config", name = "show", description = "Without an end: one row per tunnel end (end, role, device, adapter, state, "
        + "last history entry). With an end: its intent, the running state read from the device now, and the diff")
public class ConfigShowCommand extends ConfigCommand {

    @Argument(index = 0, name = "end", required = false, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table (an object for one end, an array for all)")
    boolean json;

    @Override
    void run(ConfigurationService service) throws Exception {
        if (end != null) {
            one(service.show(end).orElseThrow(() -> refused("no tunnel end named '" + end + "' on this node")));
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EndView e : service.ends()) {
            rows.add(ConfigRows.end(e, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("End");
        table.column("Role");
        table.column("Device");
        table.column("Adapter");
        table.column("State");
        table.column("Last entry").alignRight();
        table.emptyTableText("no tunnel ends on this node");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.values().toArray());
        }
        table.print(out());
    }

    private void one(EndView view) {
        Map<String, Object> row = ConfigRows.endDetail(view, json);
        if (json) {
            out().println(Json.object(row));
            return;
        }
        Labelled lines = new Labelled("");
        lines.add("End", row.get("end"));
        lines.add("Role", row.get("role"));
        lines.add("Device", row.get("device"));
        lines.add("Adapter", row.get("adapter"));
        lines.add("State", row.get("state"));
        lines.add("Intent", row.get("intent"));
        lines.add("Running", row.get("running"));
        lines.add("Diff", row.get("diff"));
        lines.add("Last entry", row.get("lastEntry"));
        lines.print(out());
    }
}

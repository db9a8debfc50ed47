package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;

/** {@code node:list}: the server nodes of the cluster with their state. */
@Service
@Command(scope = "node", name = "list", description = "Lists the server nodes: site, state (active, draining, degraded, down), "
        + "leader, leases served, last seen, endpoints")
public class NodeListCommand extends NodeCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run() throws Exception {
        ClusterService service = clusterService();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (NodeInfo n : service.nodes()) {
            rows.add(row(n));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        String self = service.local().id();
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Site");
        table.column("State");
        table.column("Leader");
        table.column("Leases served").alignRight();
        table.column("Last seen");
        table.column("Endpoints");
        table.emptyTableText("no nodes");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.get("node") + (r.get("node").equals(self) ? " *" : ""), r.get("site"), r.get("state"),
                    Boolean.TRUE.equals(r.get("leader")) ? "yes" : "", r.get("leasesServed"), r.get("lastSeen"),
                    String.join(",", (List<String>) cast(r.get("endpoints"))));
        }
        table.print(out());
        out().println("* this node (" + service.mode() + ")");
    }

    @SuppressWarnings("unchecked")
    private static List<String> cast(Object o) {
        return (List<String>) o;
    }
}

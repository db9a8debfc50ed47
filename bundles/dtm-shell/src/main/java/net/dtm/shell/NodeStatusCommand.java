package net.dtm.shell;

import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;


/** {@code node:status}: this node's cluster detail. */
@Service
@Command(scope = "node", name = "status", description = "Shows this node's cluster status: mode, state, leader, leases served, "
        + "degraded since, server list pushed to devices, store connection")
public class NodeStatusCommand extends NodeCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run() throws Exception {
        Map<String, String> status = clusterService().status();
        if (json) {
            out().println(Json.object(status));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Value");
        status.forEach((k, v) -> table.addRow().addContent(k, v));
        table.print(out());
    }
}

package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.Health;
import net.dtm.api.HealthService;

/** {@code node:health}: every component's health checks, and whether the node is ready. */
@Service
@Command(scope = "node", name = "health", description = "Shows every component's health checks (server: store, "
        + "pools, draining, endpoint; agent: links, tunnel) and whether the node is ready, as /health/ready does")
public class NodeHealthCommand extends DtmCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON (the body of /health/ready) instead of a table")
    boolean json;

    @Reference(optional = true)
    List<HealthService> health;

    @Override
    public Object execute() throws Exception {
        if (health == null || health.isEmpty()) {
            throw new CommandException("Health reports are not available on this node (is feature dtm-server or "
                    + "dtm-agent installed and started?)");
        }
        Health.Report report = HealthReport.of(health);
        if (json) {
            out().println(Json.object(report.document()));
            return null;
        }
        ShellTable table = new ShellTable();
        for (String c : List.of("Component", "Check", "OK", "Detail")) {
            table.column(c);
        }
        for (Health h : report.components()) {
            for (Health.Check c : h.checks()) {
                table.addRow().addContent(h.component(), c.name(), c.ok() ? "yes" : "NO", c.detail());
            }
        }
        table.print(out());
        out().println(report.ready() ? "READY" : "NOT READY");
        return null;
    }
}

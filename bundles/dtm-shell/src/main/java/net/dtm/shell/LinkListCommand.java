package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;

/** {@code link:list}: this device's WAN links as the multi-link transport sees them. */
@Service
@Command(scope = "link", name = "list", description = "Lists this device's links: kind, state, enabled, addresses, RTT, RTO, loss, copies, datagrams and bytes sent/received")
public class LinkListCommand extends DtmCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    LinkService links;

    @Override
    public Object execute() throws Exception {
        LinkService service = require(links, "The link service", "dtm-agent");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LinkInfo l : service.links()) {
            rows.add(LinkRows.row(l, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Kind");
        table.column("State");
        table.column("Enabled");
        table.column("Local");
        table.column("Public");
        table.column("RTT (ms)").alignRight();
        table.column("RTO (ms)").alignRight();
        table.column("Loss (%)").alignRight();
        table.column("Copies").alignRight();
        table.column("Sent").alignRight();
        table.column("Bytes sent").alignRight();
        table.column("Received").alignRight();
        table.column("Bytes received").alignRight();
        table.emptyTableText("no links");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.get("id"), r.get("kind"), r.get("state"), (Boolean) r.get("enabled") ? "yes" : "no",
                    r.get("local"), r.get("public"), r.get("rttMs"), r.get("rtoMs"), r.get("lossPercent"),
                    r.get("copies"), r.get("datagramsSent"), r.get("bytesSent"), r.get("datagramsReceived"),
                    r.get("bytesReceived"));
        }
        table.print(out());
        return null;
    }
}

package net.dtm.shell;

import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;

/** {@code link:stats}: one link in detail. */
@Service
@Command(scope = "link", name = "stats", description = "Shows one link in detail: state, addresses, estimates and counters")
public class LinkStatsCommand extends DtmCommand {

    @Argument(index = 0, name = "id", required = true, description = "Link id")
    @Completion(LinkIdCompleter.class)
    String id;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    LinkService links;

    @Override
    public Object execute() throws Exception {
        LinkService service = require(links, "The link service", "dtm-agent");
        LinkInfo link = service.link(id).orElseThrow(() -> new CommandException("No link named " + id));
        Map<String, Object> row = LinkRows.row(link, json);
        if (json) {
            out().println(Json.object(row));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        for (Map.Entry<String, Object> e : row.entrySet()) {
            table.addRow().addContent(e.getKey(), e.getValue());
        }
        table.print(out());
        return null;
    }
}

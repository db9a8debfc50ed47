package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.LinkService;

/** {@code link:disable}: Stops the transport from using the link (requests in flight continue on the others; kept when the driver is updated). */
@Service
@Command(scope = "link", name = "disable", description = "Stops the transport from using the link (requests in flight continue on the others; kept when the driver is updated)")
public class LinkDisableCommand extends DtmCommand {

    @Argument(index = 0, name = "id", required = true, description = "Link id")
    @Completion(LinkIdCompleter.class)
    String id;

    @Reference(optional = true)
    LinkService links;

    @Override
    public Object execute() throws Exception {
        LinkService service = require(links, "The link service", "dtm-agent");
        if (!service.disable(id)) {
            throw new CommandException("No link named " + id);
        }
        out().println("Link " + id + " disabled");
        return null;
    }
}

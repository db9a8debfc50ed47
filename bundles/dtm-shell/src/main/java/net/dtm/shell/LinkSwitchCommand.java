package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.LinkService;

/** {@code link:enable} and {@code link:disable}: turn one link on or off for the transport. */
abstract class LinkSwitchCommand extends DtmCommand {

    @Argument(index = 0, name = "id", required = true, description = "Link id")
    @Completion(LinkIdCompleter.class)
    String id;

    @Reference(optional = true)
    LinkService links;

    @Override
    String refusal() {
        return "Link not switched";
    }

    /** Applies the switch; false if there is no such link. */
    abstract boolean apply(LinkService service, String link);

    /** What the link is afterwards, e.g. {@code enabled}. */
    abstract String outcome();

    @Override
    public Object execute() throws Exception {
        audit();
        LinkService service = require(links, "The link service", "dtm-agent");
        if (!apply(service, id)) {
            throw new CommandException("No link named " + id);
        }
        out().println("Link " + id + " " + outcome());
        return null;
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.LinkService;

/**
 * {@code link:disable}: Stops the transport from using the link (requests in flight continue on
 * the others; kept when the driver is updated).
 */
@Service
@Command(scope = "link", name = "disable", description = "Stops the transport from using the link (requests in flight continue on the others; kept when the driver is updated)")
public class LinkDisableCommand extends LinkSwitchCommand {

    @Override
    boolean apply(LinkService service, String link) {
        return service.disable(link);
    }

    @Override
    String outcome() {
        return "disabled";
    }
}

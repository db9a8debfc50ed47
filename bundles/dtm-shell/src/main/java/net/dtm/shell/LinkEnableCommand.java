package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.LinkService;

/** {@code link:enable}: Lets the transport use the link again. */
@Service
@Command(scope = "link", name = "enable", description = "Lets the transport use the link again")
public class LinkEnableCommand extends LinkSwitchCommand {

    @Override
    boolean apply(LinkService service, String link) {
        return service.enable(link);
    }

    @Override
    String outcome() {
        return "enabled";
    }
}

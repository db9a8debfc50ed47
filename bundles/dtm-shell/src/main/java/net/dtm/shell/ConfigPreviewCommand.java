package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.Preview;

/** {@code config:preview}: what applying an end's intent now would change, without touching the device. */
@Service
@Command(scope = "config", name = "preview", description = "Shows what config:apply would change on an end now: the diff and the "
        + "commands that would be sent, or why validation would refuse it. Touches nothing")
public class ConfigPreviewCommand extends ConfigCommand {

    @Argument(index = 0, name = "end", required = true, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Override
    void run(ConfigurationService service) {
        Preview p = service.preview(end);
        if (!p.problems().isEmpty()) {
            out().println(p.end() + ": validation would refuse the intent; nothing would be sent:");
            p.problems().forEach(problem -> out().println("  - " + problem));
            if (!p.diff().isEmpty()) {
                out().println("Changes it asks for (running -> intent):");
                p.diff().forEach(d -> out().println("  " + d));
            }
            return;
        }
        if (p.diff().isEmpty() && p.commands().isEmpty()) {
            out().println(p.end() + " in sync: nothing would change");
            return;
        }
        out().println("Changes on " + p.end() + " (running -> intent):");
        p.diff().forEach(d -> out().println("  " + d));
        if (p.commands().isEmpty()) {
            out().println("Commands that would be sent: none");
        } else {
            out().println("Commands that would be sent:");
            p.commands().forEach(c -> out().println("  " + c));
        }
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.config.ConfigurationService;

/** {@code config:confirm}: keeps a change applied with {@code config:apply --hold}. */
@Service
@Command(scope = "config", name = "confirm", description = "Confirms the change pending on an end (applied with config:apply --hold) "
        + "before its confirm timeout rolls it back")
public class ConfigConfirmCommand extends ConfigCommand {

    @Argument(index = 0, name = "end", required = true, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Override
    String refusal() {
        return "Nothing confirmed";
    }

    @Override
    void run(ConfigurationService service) {
        outcome("Confirm of " + end, service.confirm(end, who()));
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.config.ConfigurationService;

/** {@code config:apply}: one run of the safe transaction on an end, waiting for its outcome. */
@Service
@Command(scope = "config", name = "apply", description = "Applies an end's intent through the safe transaction (validate, diff, "
        + "apply, verify, confirm or roll back) and prints the outcome and its history entry. With --hold the change waits "
        + "for config:confirm and is rolled back if the confirm timeout passes first")
public class ConfigApplyCommand extends ConfigCommand {

    @Argument(index = 0, name = "end", required = true, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Option(name = "--hold", description = "Keep the change pending until config:confirm (rolled back when the confirm timeout passes)")
    boolean hold;

    @Override
    String refusal() {
        return "Configuration not applied";
    }

    @Override
    void run(ConfigurationService service) {
        outcome("Apply to " + end, service.apply(end, who(), hold));
    }
}

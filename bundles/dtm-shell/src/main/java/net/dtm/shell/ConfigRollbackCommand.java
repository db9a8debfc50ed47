package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.config.ConfigurationService;

/** {@code config:rollback}: makes a history entry's configuration the running one again, as a new entry. */
@Service
@Command(scope = "config", name = "rollback", description = "Makes the configuration of history entry n the running one again, "
        + "through the safe transaction; prints the new history entry")
public class ConfigRollbackCommand extends ConfigCommand {

    @Argument(index = 0, name = "end", required = true, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Argument(index = 1, name = "n", required = true, description = "History entry number (config:history shows them)")
    @Completion(HistoryNumberCompleter.class)
    int number;

    @Override
    String refusal() {
        return "Not rolled back";
    }

    @Override
    void run(ConfigurationService service) throws Exception {
        if (number < 1) {
            throw refused("history entries are numbered from 1, got " + number);
        }
        outcome("Rollback of " + end + " to entry #" + number, service.rollback(end, number, who()));
    }
}

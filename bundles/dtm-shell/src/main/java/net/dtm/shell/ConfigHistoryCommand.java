package net.dtm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.Transaction;

/** {@code config:history}: an end's numbered history, newest first. */
@Service
@Command(scope = "config", name = "history", description = "Lists an end's history newest first (default the newest 20): number, "
        + "time, trigger, result, restored (rollbacks), changes, detail. config:rollback <end> <n> returns to entry n")
public class ConfigHistoryCommand extends ConfigCommand {

    static final int DEFAULT_LIMIT = 20;

    @Argument(index = 0, name = "end", required = true, description = "Tunnel end (interface name), e.g. dtm0")
    @Completion(EndNameCompleter.class)
    String end;

    @Option(name = "-n", aliases = "--limit", description = "Show the newest N entries (default 20)")
    int limit = DEFAULT_LIMIT;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run(ConfigurationService service) throws Exception {
        if (limit < 1) {
            throw refused("--limit must be at least 1, got " + limit);
        }
        List<Transaction> history = service.history(end);
        if (history.isEmpty() && service.ends().stream().noneMatch(e -> e.end().equals(end))) {
            throw refused("no tunnel end named '" + end + "' on this node");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Transaction t : history.subList(0, Math.min(limit, history.size()))) {
            rows.add(ConfigRows.entry(t, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Time");
        table.column("Trigger");
        table.column("Result");
        table.column("Restored");
        table.column("Changes");
        table.column("Detail");
        table.emptyTableText("no history for " + end + " yet");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.values().toArray());
        }
        table.print(out());
        if (history.size() > rows.size()) {
            out().println("Newest " + rows.size() + " of " + history.size() + " entries; config:history --limit "
                    + history.size() + " " + end + " shows them all");
        }
    }
}

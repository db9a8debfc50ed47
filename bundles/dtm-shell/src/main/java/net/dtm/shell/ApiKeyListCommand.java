package net.dtm.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;

/** {@code apikey:list}: the API keys, never their secrets. */
@Service
@Command(scope = "apikey", name = "list", description = "Lists the API keys (id, role, label, created, expires, state); "
        + "secrets are never shown")
public class ApiKeyListCommand extends ApiKeyCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run(ApiKeyService service) {
        Instant now = clock.instant();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ApiKey k : service.keys()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", k.id());
            row.put("role", k.role().name().toLowerCase(Locale.ROOT));
            row.put("label", k.label());
            row.put("createdAt", json ? k.createdAt().toString() : time(k.createdAt()));
            row.put("expiresAt", json ? k.expiresAt().map(Instant::toString).orElse(null)
                    : k.expiresAt().map(DtmCommand::time).orElse("never"));
            row.put("state", k.revoked() ? "revoked" : k.activeAt(now) ? "active" : "expired");
            rows.add(row);
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        for (String c : List.of("Id", "Role", "Label", "Created", "Expires", "State")) {
            table.column(c);
        }
        table.emptyTableText("no API keys");
        rows.forEach(row -> table.addRow().addContent(row.values().toArray()));
        table.print(out());
    }
}

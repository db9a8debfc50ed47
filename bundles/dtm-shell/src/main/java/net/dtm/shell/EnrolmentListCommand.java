package net.dtm.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/** {@code enrolment:list}: every enrolment key with its scope, uses, expiry and state (never a token). */
@Service
@Command(scope = "enrolment", name = "list", description = "Lists enrolment keys: id, label, device pattern, pool, "
        + "uses/limit, expiry and state (active, expired, used-up, revoked); tokens are never shown")
public class EnrolmentListCommand extends EnrolmentCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    void run(EnrolmentService service) {
        Instant now = clock.instant();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EnrolmentKey key : service.keys()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", key.id());
            row.put("label", key.label());
            row.put("devices", key.devicePattern());
            row.put("pool", key.pool());
            if (json) {
                row.put("uses", key.uses());
                row.put("maxUses", key.maxUses());
                row.put("createdAt", key.createdAt().toString());
                row.put("expiresAt", key.expiresAt().toString());
            } else {
                row.put("uses", uses(key));
                row.put("expiresAt", time(key.expiresAt()));
            }
            row.put("state", state(key, now));
            rows.add(row);
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Label");
        table.column("Devices");
        table.column("Pool");
        table.column("Uses").alignRight();
        table.column("Expires");
        table.column("State");
        table.emptyTableText("no enrolment keys");
        for (Map<String, Object> row : rows) {
            table.addRow().addContent(row.values().toArray());
        }
        table.print(out());
    }
}

package net.dtm.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceService;

/**
 * {@code device:list}: the enrolled devices, who enrolled them (an operator, or their router with
 * an enrolment key), whether disabled, until when a re-keyed one's old key is accepted and until
 * when one may re-enrol (never keys).
 */
@Service
@Command(scope = "device", name = "list", description = "Lists enrolled devices, who enrolled them (operator or "
        + "router), disabled ones, until when a re-keyed device's old key is accepted and until when one may re-enrol "
        + "(keys are never shown)")
public class DeviceListCommand extends DtmCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    DeviceService devices;

    @Override
    public Object execute() throws Exception {
        DeviceService service = require(devices, "The device registry", "dtm-server");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DeviceCredential credential : service.devices()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", credential.device().value());
            row.put("enrolledAt", json ? credential.enrolledAt().toString() : time(credential.enrolledAt()));
            Instant until = credential.previousKeyUntil();
            Instant reenrol = credential.reenrolUntil();
            String by = credential.routerKey() == null ? "operator" : "router";
            if (json) {
                row.put("disabled", credential.disabled());
                row.put("previousKeyUntil", until == null ? null : until.toString());
                row.put("enrolledBy", by);
                row.put("reenrolUntil", reenrol == null ? null : reenrol.toString());
            } else {
                row.put("enrolledBy", by);
                row.put("state", credential.disabled() ? "disabled" : "enabled");
                row.put("previousKeyUntil", until == null ? "" : time(until));
                row.put("reenrolUntil", reenrol == null ? "" : time(reenrol));
            }
            rows.add(row);
        }
        if (json) {
            out().println(Json.array(rows));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Device");
        table.column("Enrolled at");
        table.column("Enrolled by");
        table.column("State");
        table.column("Old key accepted until");
        table.column("Re-enrol until");
        table.emptyTableText("no devices enrolled");
        for (Map<String, Object> row : rows) {
            table.addRow().addContent(row.values().toArray());
        }
        table.print(out());
        return null;
    }
}

package net.dtm.shell;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;

/** {@code tunnel:status}: the agent's tunnel on this device. */
@Service
@Command(scope = "tunnel", name = "status", description = "Shows this device's tunnel: state, inner address, serving server, establishment time, expiry")
public class TunnelStatusCommand extends DtmCommand {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    TunnelAgentService agent;

    @Override
    public Object execute() throws Exception {
        TunnelAgentService service = require(agent, "The tunnel agent", "dtm-agent");
        TunnelStatus status = service.status();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("device", status.device() == null ? "" : status.device().value());
        row.put("state", status.state().name());
        row.put("address", status.parameters().map(TunnelParameters::innerAddress)
                .map(a -> a.getHostAddress()).orElse(""));
        row.put("server", status.server().orElse(""));
        row.put("establishedAt", status.establishedAt().map(i -> json ? i.toString() : time(i)).orElse(""));
        row.put("lastEstablishMs", json ? (Object) status.lastEstablishMs()
                : String.format(Locale.ROOT, "%.1f", status.lastEstablishMs()));
        row.put("expires", status.expiresAt().map(i -> json ? i.toString() : time(i)).orElse(""));
        if (json) {
            out().println(Json.object(row));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Device");
        table.column("State");
        table.column("Address");
        table.column("Server");
        table.column("Established at");
        table.column("Last establishment (ms)").alignRight();
        table.column("Expires");
        table.addRow().addContent(row.values().toArray());
        table.print(out());
        return null;
    }
}

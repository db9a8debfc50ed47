package net.dtm.shell;

import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.Pool;

/** {@code pool:export}: every pool definition to a new JSON file. */
@Service
@Command(scope = "pool", name = "export", description = "Writes every pool definition to a new JSON file "
        + "(format dtm-pools/1, the fields of POST /api/v1/pools)")
public class PoolExportCommand extends TransferCommand {

    @Override
    void run() throws Exception {
        List<Pool> pools = leaseStore().pools();
        Path path = export(false, out -> PoolFile.write(pools, out));
        out().println("Exported " + pools.size() + " pools to " + path + ".");
    }
}

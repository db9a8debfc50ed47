package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pool:import}: creates the pools of a JSON file, all or none. */
@Service
@Command(scope = "pool", name = "import", description = "Creates the pools of a pool:export file: the whole file is "
        + "checked first; a malformed pool, a pool of the same name defined otherwise here, or an overlapping prefix "
        + "changes nothing; pools already defined the same are left as they are")
public class PoolImportCommand extends TransferCommand {

    @Override
    String refusal() {
        return "Pools not imported";
    }

    @Override
    void run() throws Exception {
        var store = leaseStore();
        PoolFile.Parsed parsed = PoolFile.parse(readFile());
        Importer.refuseIfInvalid(file, parsed.errors());
        out().println(Importer.run(parsed.pools(), StoreTransfer.pools(store), this::progress).summary());
    }
}

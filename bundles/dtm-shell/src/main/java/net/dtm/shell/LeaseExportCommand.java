package net.dtm.shell;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code lease:export}: every lease of every pool to a new JSON file. */
@Service
@Command(scope = "lease", name = "export", description = "Writes every lease of every pool (address, state, "
        + "sequence, expiry, reservation) to a new JSON file (format dtm-leases/1); progress every 1,000 leases")
public class LeaseExportCommand extends TransferCommand {

    @Override
    void run() throws Exception {
        var store = leaseStore();
        int[] count = new int[1];
        Path path = export(false, out -> count[0] = StoreTransfer.exportLeases(store, out, this::progress));
        out().println("Exported " + count[0] + " leases to " + path + ".");
    }
}

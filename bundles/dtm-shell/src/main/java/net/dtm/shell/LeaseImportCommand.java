package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code lease:import}: stores the leases of a JSON file exactly, all or none. */
@Service
@Command(scope = "lease", name = "import", description = "Stores the leases of a lease:export file as they are "
        + "(address, state, sequence, expiry): the whole file is checked first; a malformed lease, a missing pool, "
        + "an address leased to another device or a device leasing another address changes nothing; "
        + "progress every 1,000 leases")
public class LeaseImportCommand extends TransferCommand {

    @Override
    String refusal() {
        return "Leases not imported";
    }

    @Override
    void run() throws Exception {
        var store = leaseStore();
        LeaseFile.Parsed parsed = LeaseFile.parse(readFile());
        Importer.refuseIfInvalid(file, parsed.errors());
        out().println(Importer.run(parsed.leases(), StoreTransfer.leases(store), this::progress).summary());
    }
}

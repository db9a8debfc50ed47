package net.dtm.shell;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code store:backup}: an online copy of the node's store, for a store kept on the node's disk. */
@Service
@Command(scope = "store", name = "backup", description = "Copies the node's store into a new folder inside the "
        + "given folder while it keeps serving (Derby online backup); the ZooKeeper store refuses: back up "
        + "ZooKeeper's own snapshots. Restore: docs/operations.md, \"Backup and restore\"")
public class StoreBackupCommand extends TransferCommand {

    @Override
    String refusal() {
        return "Store not backed up";
    }

    @Override
    void run() throws Exception {
        Path copy = require(storeBackup, STORE, FEATURE).backup(Path.of(file).toAbsolutePath().normalize());
        out().println("Store backed up to " + copy + ".");
    }
}

package net.dtm.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code device:import}: enrols the devices of a CSV file, all or none. */
@Service
@Command(scope = "device", name = "import", description = "Enrols the devices of a CSV file (device:export's, or "
        + "id[,key] lines): the whole file is checked first, and a malformed line or a device enrolled here with "
        + "another key changes nothing; devices already enrolled with the same key are left as they are")
public class DeviceImportCommand extends TransferCommand {

    @Override
    String refusal() {
        return "Devices not imported";
    }

    @Override
    void run() throws Exception {
        var store = deviceStore();
        DeviceFile.Parsed parsed = DeviceFile.parse(readLines(), Instant.now());
        Importer.refuseIfInvalid(file, parsed.errors());
        Importer.Result r = Importer.run(parsed.entries(), StoreTransfer.devices(store), this::progress);
        out().println(r.summary());
        long keyless = parsed.entries().stream().filter(e -> !e.keyGiven()).count();
        if (keyless > 0 && r.imported() > 0) {
            out().println(keyless + " line(s) gave no key: those devices were enrolled with a fresh random key "
                    + "(device:rekey gives them one to copy to the device).");
        }
    }
}

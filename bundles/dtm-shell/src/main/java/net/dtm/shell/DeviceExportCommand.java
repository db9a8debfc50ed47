package net.dtm.shell;

import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.DeviceCredential;

/** {@code device:export}: every enrolled device to a new CSV file, with its keys only when asked. */
@Service
@Command(scope = "device", name = "export", description = "Writes every enrolled device to a new CSV file ("
        + DeviceFile.HEADER + "); keys only with --with-keys (admin only; the file is then created mode 600)")
public class DeviceExportCommand extends TransferCommand {

    @Option(name = "-k", aliases = "--with-keys", description = "Include the device keys (current and previous): "
            + "needed to move devices to another node; the file is created readable by its owner only")
    boolean withKeys;

    @Override
    String refusal() {
        return withKeys ? "Devices not exported" : null; // an export of keys is audited
    }

    @Override
    void run() throws Exception {
        List<DeviceCredential> devices = deviceStore().list();
        Path path = export(withKeys, out -> DeviceFile.write(devices, withKeys, out));
        out().println("Exported " + devices.size() + " devices to " + path
                + (withKeys ? " with their keys (mode 600: keep it secret, delete it once imported)." : " without keys."));
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/** {@code device:enable}: a disabled device is served again. */
@Service
@Command(scope = "device", name = "enable", description = "Enables a disabled device: every node serves it again")
public class DeviceEnableCommand extends DeviceCommand {

    @Override
    String refusal() {
        return "Device not enabled";
    }

    @Override
    void run(DeviceService service, DeviceId device) {
        if (service.enable(device)) {
            out().println("Device " + device + " enabled.");
        } else {
            out().println("Device " + device + " was not disabled.");
        }
    }
}

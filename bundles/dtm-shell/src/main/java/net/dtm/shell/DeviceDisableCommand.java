package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/** {@code device:disable}: every node drops the device's requests, unanswered, until it is enabled. */
@Service
@Command(scope = "device", name = "disable", description = "Disables a device: every node drops its requests "
        + "unanswered (within a second) until device:enable; its key and leases are kept")
public class DeviceDisableCommand extends DeviceCommand {

    @Override
    String refusal() {
        return "Device not disabled";
    }

    @Override
    void run(DeviceService service, DeviceId device) {
        if (service.disable(device)) {
            out().println("Device " + device + " disabled: its requests are dropped on every node.");
        } else {
            out().println("Device " + device + " was already disabled.");
        }
    }
}

package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/** {@code device:add}: enrols a device and shows its key this one time. */
@Service
@Command(scope = "device", name = "add", description = "Enrols a device; prints its key once (store it on the device, it is never shown again)")
public class DeviceAddCommand extends DtmCommand {

    @Argument(index = 0, name = "id", required = true, description = "Device id (1-64 of A-Z a-z 0-9 . _ : -)")
    String id;

    @Option(name = "-k", aliases = "--key", description = "The device's key as 64 hex digits, or - to be prompted for it "
            + "(masked); a key given here lands in the shell history (default: a fresh random key)")
    String key;

    @Option(name = "-f", aliases = "--key-file", description = "A file holding the device's key as 64 hex digits")
    String keyFile;

    /** Where {@code --key -} reads the key: the session's masked prompt (tests replace it). */
    KeyInput.Prompt prompt = (text, mask) -> session.readLine(text, mask);

    @Reference(optional = true)
    DeviceService devices;

    @Override
    String refusal() {
        return "Device not enrolled";
    }

    @Override
    public Object execute() throws Exception {
        audit();
        DeviceService service = require(devices, "The device registry", "dtm-server");
        DeviceId deviceId;
        try {
            deviceId = DeviceId.of(id);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Device not enrolled: " + e.getMessage());
        }
        byte[] keyBytes = KeyInput.read(key, keyFile, prompt, out(), "Device not enrolled");
        DeviceCredential credential;
        try {
            credential = keyBytes == null ? service.enroll(deviceId) : service.enroll(deviceId, keyBytes);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Device not enrolled: " + e.getMessage());
        }
        out().println("Device " + credential.device() + " enrolled at " + time(credential.enrolledAt()));
        KeyInput.print(out(), credential, keyBytes != null);
        return null;
    }
}

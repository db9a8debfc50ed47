package net.dtm.shell;

import java.time.Duration;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Durations;

/** {@code device:rekey}: a new key for a device, the old one accepted for an overlap the operator sets. */
@Service
@Command(scope = "device", name = "rekey", description = "Gives a device a new key (printed once, like device:add); "
        + "its old key stays accepted for --overlap while the device is given the new one, on every node")
public class DeviceRekeyCommand extends DeviceCommand {

    @Option(name = "-o", aliases = "--overlap", description = "How long the old key stays accepted: 0 (default), 90s, 15m, 2h, 7d or PT1H")
    String overlap = "0";

    @Option(name = "-k", aliases = "--key", description = "The new key as 64 hex digits, or - to be prompted for it "
            + "(masked); a key given here lands in the shell history (default: a fresh random key)")
    String key;

    @Option(name = "-f", aliases = "--key-file", description = "A file holding the new key as 64 hex digits")
    String keyFile;

    /** Where {@code --key -} reads the key: the session's masked prompt (tests replace it). */
    KeyInput.Prompt prompt = (text, mask) -> session.readLine(text, mask);

    @Override
    String refusal() {
        return "Device not re-keyed";
    }

    @Override
    void run(DeviceService service, DeviceId device) throws Exception {
        Duration window = Durations.parse(overlap);
        byte[] supplied = KeyInput.read(key, keyFile, prompt, out(), refusal());
        DeviceCredential c = supplied == null ? service.rekey(device, window) : service.rekey(device, supplied, window);
        out().println("Device " + device + " re-keyed. "
                + (window.isZero() || c.previousKeyUntil() == null ? "Its old key is no longer accepted."
                : "Its old key is accepted until " + time(c.previousKeyUntil()) + "."));
        KeyInput.print(out(), c, supplied != null);
    }
}

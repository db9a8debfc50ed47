package net.dtm.shell;

import java.time.Duration;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Durations;

/**
 * {@code device:allow-reenrol}: for a while, the router that enrolled itself as the device may
 * fetch its current key again (after a re-key), and a router with a valid enrolment key for the id
 * may take it over (a replaced router); {@code --withdraw} ends the allowance.
 */
@Service
@Command(scope = "device", name = "allow-reenrol", description = "Allows a device to re-enrol for a while (default "
        + "24h): its own router may fetch its current key after a re-key, or a router with a valid enrolment key for "
        + "it may take it over (a replaced router); --withdraw ends the allowance")
public class DeviceAllowReenrolCommand extends DeviceCommand {

    static final String DEFAULT_WITHIN = "24h";

    @Option(name = "-w", aliases = "--within", description = "How long the allowance lasts: 90s, 15m, 2h, 24h (default), 7d or PT1H")
    String within;

    @Option(name = "--withdraw", description = "End the allowance now")
    boolean withdraw;

    @Override
    String refusal() {
        return withdraw ? "Re-enrolment allowance not withdrawn" : "Re-enrolment not allowed";
    }

    @Override
    void run(DeviceService service, DeviceId device) throws Exception {
        if (withdraw && within != null) {
            throw refused("give --within or --withdraw, not both");
        }
        Duration window = withdraw ? Duration.ZERO : Durations.parse(within == null ? DEFAULT_WITHIN : within);
        DeviceCredential c = service.allowReenrolment(device, window);
        if (c.reenrolUntil() == null) {
            out().println("Device " + device + " may no longer re-enrol.");
            return;
        }
        out().println("Device " + device + " may re-enrol until " + time(c.reenrolUntil()) + ": "
                + (c.routerKey() == null ? "it was enrolled by an operator, so a router" : "its router may fetch its current "
                + "key, or another router") + " with a valid enrolment key for " + device + " may take it over "
                + "(the old key stops working then).");
    }
}

package net.dtm.shell;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.AddressPoolService;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.Pool;

/**
 * Common plumbing of the {@code pool:} and {@code lease:} commands: argument parsing with one-line
 * errors, pool look-up, and turning a refusal of the pool service ({@link DtmException}) into a
 * one-line error that names its reason.
 */
abstract class PoolCommand extends DtmCommand {

    static final String SERVICE = "The address pool service";
    static final String FEATURE = "dtm-server";

    /** Decides which leases count as expired; tests set a fixed clock. */
    Clock clock = Clock.systemUTC();

    /** The command's work. */
    abstract void run() throws Exception;

    @Override
    public final Object execute() throws Exception {
        audit();
        try {
            run();
        } catch (DtmException e) {
            throw refused(e.getMessage() + " (" + e.reason().label() + ")");
        }
        return null;
    }

    /** The named pool, or an error saying there is none. */
    Pool pool(AddressPoolService service, String name) throws CommandException {
        return service.pool(name).orElseThrow(() -> refused("no pool named '" + name + "'"));
    }

    DeviceId device(String value) throws CommandException {
        try {
            return DeviceId.of(value);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    InetAddress address(String text) throws CommandException {
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    /** An address inside {@code pool}'s prefix, or an error saying it is outside. */
    InetAddress addressIn(Pool pool, String text) throws CommandException {
        InetAddress a = address(text);
        if (!pool.prefix().contains(a)) {
            throw refused(Cidr.format(a) + " is outside pool " + pool.name() + " (" + pool.prefix().toString() + ")");
        }
        return a;
    }

    /** Option values split at commas and trimmed: {@code --types vxlan,gre} or repeated options. */
    static List<String> items(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String item : v.split(",", -1)) {
                    out.add(item.trim());
                }
            }
        }
        return out;
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f", share * 100);
    }

    /** {@code 12.3} for 0.1234: JSON percentages to one decimal, like the tables. */
    static double percentValue(double share) {
        return Math.round(share * 1000) / 10.0;
    }
}

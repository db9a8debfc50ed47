package net.dtm.vendor.ciscoios;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;

/**
 * The settings of one IOS device from its {@link DeviceTarget}: a remote management address, and the
 * options {@code tunnel.base} (must equal the adapter's: the behaviours that render the
 * {@code interface TunnelN} lines are the adapter's and do not see the target) and
 * {@code command.timeout} (seconds to wait for the prompt after one line, default 30).
 */
record IosTarget(DeviceTarget target, Duration commandTimeout) {

    /** Option: first tunnel number. */
    static final String TUNNEL_BASE = "tunnel.base";
    /** Option: seconds to wait for the prompt after one line. */
    static final String COMMAND_TIMEOUT = "command.timeout.seconds";
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> OPTIONS = Set.of(TUNNEL_BASE, COMMAND_TIMEOUT);

    /** Checks {@code target} for this adapter. */
    static IosTarget of(DeviceTarget target, TunnelNumbers numbers) throws ConfigException {
        String where = "cisco-ios device " + (target.host().isEmpty() ? "(no host)" : target.host());
        if (target.isLocal()) {
            throw new ConfigException(where + ": an IOS device is configured over SSH and needs its management address as host",
                    false);
        }
        Set<String> unknown = new TreeSet<>(target.options().keySet());
        unknown.removeAll(OPTIONS);
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": unknown option(s) " + unknown + "; known: " + new TreeSet<>(OPTIONS), false);
        }
        String base = target.options().get(TUNNEL_BASE);
        if (base != null && !base.trim().equals(Long.toString(numbers.base()))) {
            throw new ConfigException(where + ": option " + TUNNEL_BASE + "=" + base + " differs from the adapter's "
                    + TUNNEL_BASE + " " + numbers.base() + "; set " + TUNNEL_BASE + " in configuration "
                    + CiscoIosAdapterComponent.PID + " instead (every IOS device of this adapter shares it)", false);
        }
        Duration timeout = DEFAULT_COMMAND_TIMEOUT;
        String t = target.options().get(COMMAND_TIMEOUT);
        if (t != null) {
            try {
                long seconds = Long.parseLong(t.trim());
                if (seconds < 1 || seconds > 600) {
                    throw new NumberFormatException();
                }
                timeout = Duration.ofSeconds(seconds);
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": option " + COMMAND_TIMEOUT + "=" + t + " must be 1..600 seconds", false);
            }
        }
        return new IosTarget(target, timeout);
    }

    /** How logs name the device (never with credentials). */
    String where() {
        return "cisco-ios " + target.host() + (target.port() != 0 ? ":" + target.port() : "");
    }
}

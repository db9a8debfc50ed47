package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;

/**
 * The huawei-vrp settings of a device target, from its options:
 * <ul>
 * <li>{@code tunnel.base}: first tunnel number DTM uses (default {@value TunnelNumbers#DEFAULT_BASE});</li>
 * <li>{@code command.timeout}: seconds one CLI command may take before the channel counts as
 * failed (default 30; a commit on a large configuration takes seconds).</li>
 * </ul>
 *
 * @param numbers        the device's tunnel numbering
 * @param commandTimeout time limit of one command
 */
record VrpTarget(TunnelNumbers numbers, Duration commandTimeout) {

    static final String TUNNEL_BASE = "tunnel.base";
    static final String COMMAND_TIMEOUT = "command.timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The settings of {@code target}.
     *
     * @throws ConfigException (rejected) for a local target, an unknown option or a malformed value
     */
    static VrpTarget of(DeviceTarget target) throws ConfigException {
        if (target.isLocal()) {
            throw new ConfigException("the huawei-vrp adapter configures a remote device over SSH: the target needs a host", true);
        }
        Map<String, String> options = target.options();
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(Set.of(TUNNEL_BASE, COMMAND_TIMEOUT));
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown huawei-vrp target option(s) " + unknown + "; known: " + TUNNEL_BASE + ", "
                    + COMMAND_TIMEOUT, true);
        }
        int base = integer(options, TUNNEL_BASE, TunnelNumbers.DEFAULT_BASE, 0, TunnelNumbers.MAX_NUMBER);
        int timeout = integer(options, COMMAND_TIMEOUT, (int) DEFAULT_TIMEOUT.toSeconds(), 1, 3600);
        return new VrpTarget(new TunnelNumbers(base), Duration.ofSeconds(timeout));
    }

    private static int integer(Map<String, String> options, String key, int fallback, int min, int max)
            throws ConfigException {
        String text = options.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("huawei-vrp target option " + key + "='" + text + "' must be a number " + min + ".." + max, true);
    }
}

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
 * <li>{@code command.timeout.seconds}: seconds one CLI command may take before the channel counts
 * as failed, 1..600 (default 30; a commit on a large configuration takes seconds);</li>
 * <li>{@code tunnel.base}: accepted only when it equals the adapter's ({@code tunnel.base} of
 * configuration {@value HuaweiVrpAdapterComponent#PID}): the behaviours that render
 * {@code interface Tunnel0/0/N} are the adapter's and do not see the target, so a per-device base
 * would address one interface and write another.</li>
 * </ul>
 *
 * @param numbers        the adapter's tunnel numbering
 * @param commandTimeout time limit of one command
 */
record VrpTarget(TunnelNumbers numbers, Duration commandTimeout) {

    static final String TUNNEL_BASE = "tunnel.base";
    static final String COMMAND_TIMEOUT = "command.timeout.seconds";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_TIMEOUT_SECONDS = 600;
    private static final int DEFAULT_TIMEOUT_SECONDS = (int) DEFAULT_TIMEOUT.toSeconds();

    private static final Set<String> OPTIONS = Set.of(TUNNEL_BASE, COMMAND_TIMEOUT);

    /**
     * The settings of {@code target} for an adapter numbering tunnels with {@code numbers}.
     *
     * @throws ConfigException (rejected) for a local target, an unknown option, a malformed value
     *                         or a tunnel.base other than the adapter's
     */
    static VrpTarget of(DeviceTarget target, TunnelNumbers numbers) throws ConfigException {
        if (target.isLocal()) {
            throw new ConfigException("the huawei-vrp adapter configures a remote device over SSH: the target needs a host", true);
        }
        String where = "huawei-vrp device " + target.host() + (target.port() != 0 ? ":" + target.port() : "");
        Map<String, String> options = target.options();
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(OPTIONS);
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": unknown option(s) " + unknown + "; known: " + new TreeSet<>(OPTIONS)
                    + (unknown.contains("command.timeout") ? " (command.timeout is now " + COMMAND_TIMEOUT + ")" : ""), true);
        }
        String base = options.get(TUNNEL_BASE);
        if (base != null && !base.trim().equals(Integer.toString(numbers.base()))) {
            throw new ConfigException(where + ": option " + TUNNEL_BASE + "=" + base + " differs from the adapter's " + TUNNEL_BASE
                    + " " + numbers.base() + "; set " + TUNNEL_BASE + " in configuration " + HuaweiVrpAdapterComponent.PID
                    + " instead (every VRP router of this adapter shares it)", true);
        }
        int timeout = DEFAULT_TIMEOUT_SECONDS;
        String t = options.get(COMMAND_TIMEOUT);
        if (t != null) {
            try {
                timeout = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                timeout = -1;
            }
            if (timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
                throw new ConfigException(where + ": option " + COMMAND_TIMEOUT + "=" + t + " must be 1.." + MAX_TIMEOUT_SECONDS
                        + " seconds", true);
            }
        }
        return new VrpTarget(numbers, Duration.ofSeconds(timeout));
    }
}

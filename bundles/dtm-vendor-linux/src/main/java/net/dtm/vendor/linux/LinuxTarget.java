package net.dtm.vendor.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;

/**
 * What the adapter takes from a {@link DeviceTarget}: this machine only (the adapter runs the
 * tools locally; a router reached over the network needs an adapter that logs in), and the options
 * {@value #NETNS} (a network namespace made with {@code ip netns add}; every command runs in it) and
 * {@value #TIMEOUT} (how long one tool may run, default 10).
 *
 * @param netns          namespace to work in, empty for this process's own
 * @param commandTimeout limit for one tool run
 */
record LinuxTarget(Optional<String> netns, Duration commandTimeout) {

    /** Option: network namespace name. */
    static final String NETNS = "netns";
    /** Option: seconds one tool may run. */
    static final String TIMEOUT = "command.timeout.seconds";
    /** Default of {@link #TIMEOUT}. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Reads {@code target}.
     *
     * @throws ConfigException rejected = true for a remote host, an unknown option or a malformed
     *                         value; false when the namespace does not exist (it may yet be made)
     */
    static LinuxTarget of(DeviceTarget target, Path netnsDir) throws ConfigException {
        if (!target.isLocal()) {
            throw new ConfigException("the linux adapter configures the machine it runs on; device " + target.host()
                    + " is remote: leave host empty and run DTM on it, or use an adapter that logs in remotely", true);
        }
        Set<String> unknown = new TreeSet<>(target.options().keySet());
        unknown.removeAll(Set.of(NETNS, TIMEOUT));
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown option(s) " + unknown + " for the linux adapter; it knows " + NETNS + " and "
                    + TIMEOUT, true);
        }
        Optional<String> netns = Optional.ofNullable(target.options().get(NETNS)).map(String::strip).filter(s -> !s.isEmpty());
        if (netns.isPresent()) {
            String ns = netns.get();
            if (!ns.matches("[A-Za-z0-9_.-]+") || ns.equals(".") || ns.equals("..") || ns.startsWith("-")) {
                throw new ConfigException("netns '" + ns + "' is not a valid namespace name", true);
            }
            if (!Files.exists(netnsDir.resolve(ns))) {
                throw new ConfigException("network namespace " + ns + " does not exist (" + netnsDir.resolve(ns)
                        + " is missing; see ip netns list)", false);
            }
        }
        Duration timeout = DEFAULT_TIMEOUT;
        String t = target.options().get(TIMEOUT);
        if (t != null) {
            try {
                long seconds = Long.parseLong(t.strip());
                if (seconds < 1 || seconds > 3600) {
                    throw new NumberFormatException();
                }
                timeout = Duration.ofSeconds(seconds);
            } catch (NumberFormatException e) {
                throw new ConfigException(TIMEOUT + " '" + t + "' must be a whole number of seconds, 1..3600", true);
            }
        }
        return new LinuxTarget(netns, timeout);
    }
}

package net.dtm.vendor.mikrotik;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * The MikroTik RouterOS 7 adapter: VXLAN with a static VTEP, GRE and IPIP, inner address, MTU and
 * routes, every object tagged {@code comment=dtm:<tunnel>}.
 * <p>
 * It drives the device's SSH terminal rather than the RouterOS API (8728/8729) because the terminal
 * offers safe mode, a real rollback net: changes made in safe mode are undone by the device itself
 * when the session ends without leaving safe mode, so a change that cuts DTM off, or a core that
 * dies mid-change, leaves the router as it was ({@link MikrotikSafeMode}). Where another session
 * holds safe mode the adapter changes nothing until it is released.
 * <p>
 * Target options: {@value #OPTION_LOGIN_SUFFIX} (RouterOS console options appended to the user
 * name; default {@value #DEFAULT_LOGIN_SUFFIX}: no colours, no terminal detection, a 511 column by
 * 4098 line terminal, so nothing wraps or pages) and {@value #OPTION_TIMEOUT} (seconds to wait for
 * the prompt after a line, 1..600; default 30). It serves RouterOS 7.7 and later: the session's check
 * reads the release from the router and refuses older ones.
 */
public final class MikrotikAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "mikrotik";
    /** The OS version prefix served, {@value}. */
    public static final String OS_VERSIONS = "7.";
    /** Target option: RouterOS login flags appended to the user name. */
    public static final String OPTION_LOGIN_SUFFIX = "login.suffix";
    /** Target option: seconds to wait for the prompt after each line. */
    public static final String OPTION_TIMEOUT = "command.timeout.seconds";
    /** RouterOS console options: c = no colours, t = no terminal detection, 511w = width, 4098h = height. */
    public static final String DEFAULT_LOGIN_SUFFIX = "+ct511w4098h";

    /** Bounds of {@value #OPTION_TIMEOUT}, in seconds. */
    static final int MIN_TIMEOUT = 1;
    static final int MAX_TIMEOUT = 600;

    private static final Set<String> OPTIONS = Set.of(OPTION_LOGIN_SUFFIX, OPTION_TIMEOUT);

    private final SshConnector connector;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours = Map.of(
            TunnelInterfaceBehaviour.class, new MikrotikTunnelInterfaces(),
            AddressingBehaviour.class, new MikrotikAddressing(),
            RouteBehaviour.class, new MikrotikRoutes(),
            LinkSettingsBehaviour.class, new MikrotikLinkSettings(),
            CommitConfirmBehaviour.class, new MikrotikSafeMode());

    /** The adapter, connecting through {@code connector}. */
    public MikrotikAdapter(SshConnector connector) {
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        return Optional.ofNullable(behaviours.get(type)).map(type::cast);
    }

    /**
     * Logs into the device's terminal.
     *
     * @throws ConfigException for a local target, unknown options, or when the device cannot be
     *                         reached, refuses the login or shows another host key
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        if (target.isLocal()) {
            throw new ConfigException("the mikrotik adapter drives a router over SSH: the device needs a host", false);
        }
        for (String option : target.options().keySet()) {
            if (!OPTIONS.contains(option)) {
                throw new ConfigException("unknown mikrotik target option '" + option + "', expected one of "
                        + String.join(", ", OPTIONS.stream().sorted().toList()), false);
            }
        }
        Duration timeout = timeout(target.options().getOrDefault(OPTION_TIMEOUT, "30"));
        String suffix = target.options().getOrDefault(OPTION_LOGIN_SUFFIX, DEFAULT_LOGIN_SUFFIX);
        DeviceTarget login = new DeviceTarget(target.vendor(), target.model(), target.osVersion(), target.host(),
                target.port(), target.username() + suffix, target.secretFile(), Map.of());
        String where = target.host() + (target.port() == 0 ? "" : ":" + target.port());
        return new MikrotikSession(RouterOsTerminal.open(connector, login, timeout, where));
    }

    /** {@value #OPTION_TIMEOUT}: whole seconds, {@value #MIN_TIMEOUT}..{@value #MAX_TIMEOUT}. */
    static Duration timeout(String value) throws ConfigException {
        long seconds;
        try {
            seconds = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < MIN_TIMEOUT || seconds > MAX_TIMEOUT) {
            throw new ConfigException("mikrotik target option " + OPTION_TIMEOUT + " must be a whole number of seconds in "
                    + MIN_TIMEOUT + ".." + MAX_TIMEOUT + ", got '" + value + "'", false);
        }
        return Duration.ofSeconds(seconds);
    }
}

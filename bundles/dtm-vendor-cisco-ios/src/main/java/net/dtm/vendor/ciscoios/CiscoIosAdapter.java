package net.dtm.vendor.ciscoios;

import java.util.Map;
import java.util.Optional;

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
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * The Cisco IOS vendor adapter: GRE and IPIP tunnel interfaces ({@code TunnelN}, N = tunnel base +
 * the intent name's number, marked {@code description dtm:<name>}), their inner address, MTU and
 * static routes, configured through the interactive CLI over SSH under IOS's own revert timer
 * ({@link IosCommitConfirm}). No VXLAN (IOS VXLAN is an NVE/EVPN overlay) and no WireGuard.
 */
public final class CiscoIosAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "cisco-ios";

    private final SshConnector connector;
    private final TunnelNumbers numbers;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours;

    /**
     * An adapter that reaches devices through {@code connector} and numbers tunnels from {@code tunnelBase}.
     *
     * @throws IllegalArgumentException if {@code tunnelBase} is outside 0..2147483647
     */
    public CiscoIosAdapter(SshConnector connector, long tunnelBase) {
        this.connector = connector;
        this.numbers = new TunnelNumbers(tunnelBase);
        IosRenderer renderer = new IosRenderer(numbers);
        this.behaviours = Map.of(
                TunnelInterfaceBehaviour.class, renderer,
                AddressingBehaviour.class, renderer,
                RouteBehaviour.class, renderer,
                LinkSettingsBehaviour.class, renderer,
                CommitConfirmBehaviour.class, new IosCommitConfirm());
    }

    /** An adapter with the default tunnel base, 4000. */
    public CiscoIosAdapter(SshConnector connector) {
        this(connector, TunnelNumbers.DEFAULT_BASE);
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
     * Logs into {@code target} over SSH, opens the interactive CLI and turns paging off.
     *
     * @throws ConfigException if the target is not usable, the device cannot be reached or logged
     *                         into, its host key changed, or the login does not land in privileged EXEC
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        IosTarget t = IosTarget.of(target, numbers);
        SshConnection connection = connector.connect(target);
        CliShell shell = null;
        try {
            shell = connection.shell(IosCli.PROMPT);
            CiscoIosSession session = new CiscoIosSession(t, connection, new IosCli(shell, t.commandTimeout()), numbers);
            session.start();
            return session;
        } catch (ConfigException | RuntimeException e) {
            if (shell != null) {
                shell.close();
            }
            connection.close();
            throw e;
        }
    }
}

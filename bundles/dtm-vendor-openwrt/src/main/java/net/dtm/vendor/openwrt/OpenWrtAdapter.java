package net.dtm.vendor.openwrt;

import java.time.Duration;
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
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * The OpenWrt vendor adapter: UCI over SSH exec channels (dropbear has them). A change is one
 * {@code uci batch} staged in an rpcd session's delta directory, applied with
 * {@code ubus call uci apply '{"rollback":true,...}'} and kept with {@code ubus call uci confirm}
 * ({@link RpcdCommitConfirm}); the state is read back with {@code uci show network} and netifd's
 * ubus objects ({@code network.device status}, {@code network.interface.<name>_inner status}; no
 * iproute2 needed), once netifd, which reloads asynchronously after an apply, runs what UCI says.
 * Every result is decided on ubus's exit status ({@link DeviceCommands.Part}). Tunnels are VXLAN,
 * GRE or IPIP through netifd's protos (packages vxlan, gre, ipip; see {@link OpenWrtTunnels}, also
 * for the firewall zone {@code lan} and the GRE key limit) with a static interface on top; see
 * {@link UciNames} for the sections DTM owns, each marked with {@code option dtm_owner '1'}: a
 * section without it is someone else's and is never listed, read, changed or deleted. rpcd holds one
 * change with rollback at a time, so two tunnels of one router are changed one after the other: the
 * second transaction fails to arm, with that reason, while the first waits for its confirmation.
 * Every apply, also an unarmed one (the core's restores), goes with rpcd's rollback, so a change
 * someone else (LuCI, an operator) has pending is refused with that reason instead of losing its
 * snapshot, which an apply without rollback purges ({@link OpenWrtSession}).
 *
 * <p><b>The reboot trap.</b> rpcd keeps the rollback timer in memory and its snapshot under
 * {@code /var/run}: a reboot inside the window would keep the new, unconfirmed configuration, and a
 * router that lost its tunnel through a bad change and is power-cycled by its driver would keep the
 * bad change. Arming therefore also saves {@code /etc/config/network} to flash
 * ({@code /etc/dtm/rollback/network} and the marker {@code /etc/dtm/rollback/pending}) and makes sure
 * the init script {@code /etc/init.d/dtm-rollback} is installed and enabled: at boot, before netifd
 * starts, it puts the saved copy back if the marker is still there and leaves
 * {@code /etc/dtm/rollback/restored}, which the next session's first read or list reports (WARN) and clears. Confirm and
 * revert remove marker and copy. An init script was chosen over {@code /etc/rc.local} (runs after
 * the network is up, and belongs to the operator) and {@code /etc/uci-defaults} (scripts there are
 * deleted after one successful run, so the hook would have to be re-installed before every change).
 * A reboot between the copy and the apply restores a configuration equal to the running one
 * (harmless). When DTM dies and rpcd's timer undoes the change, the marker stays until the next
 * {@code read} finds rpcd idle and the change's rpcd session ended, and removes it ({@code check}
 * only reads); until then a reboot would put back that same pre-change configuration, undoing only
 * changes made by hand in between. Every write and removal of the guard's files is followed by
 * {@code sync}, so a power cut right after a confirmation cannot bring the marker back.
 */
public final class OpenWrtAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "openwrt";
    /** OS versions served: OpenWrt releases with rpcd's {@code uci apply} rollback and netifd's vxlan proto. */
    public static final String[] OS_VERSIONS = {"21.", "22.", "23.", "24."};
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration UP_TIMEOUT = Duration.ofSeconds(10);

    private final SshConnector connector;
    private final Duration commandTimeout;
    private final Duration upTimeout;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours = Map.of(
            TunnelInterfaceBehaviour.class, new OpenWrtTunnels(),
            AddressingBehaviour.class, new OpenWrtAddressing(),
            RouteBehaviour.class, new OpenWrtRoutes(),
            LinkSettingsBehaviour.class, new OpenWrtLinkSettings(),
            CommitConfirmBehaviour.class, new RpcdCommitConfirm());

    /** An adapter that reaches devices through {@code connector}. */
    public OpenWrtAdapter(SshConnector connector) {
        this(connector, COMMAND_TIMEOUT, UP_TIMEOUT);
    }

    OpenWrtAdapter(SshConnector connector, Duration commandTimeout, Duration upTimeout) {
        this.connector = connector;
        this.commandTimeout = commandTimeout;
        this.upTimeout = upTimeout;
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
     * A session over SSH to {@code target}.
     *
     * @throws ConfigException for a local target, or when the device cannot be reached or logged into
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        if (target.isLocal()) {
            throw new ConfigException("the openwrt adapter drives devices over SSH: the target needs a host", true);
        }
        String device = target.host() + (target.port() != 0 ? ":" + target.port() : "");
        SshConnection ssh = connector.connect(target);
        return new OpenWrtSession(ssh, device, commandTimeout, upTimeout);
    }
}

package net.dtm.vendor.linux;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * The Linux vendor adapter: iproute2 ({@code ip -j} to read, one {@code ip -batch} per change),
 * {@code wg} for WireGuard (in the kernel, or wireguard-go where the kernel lacks it), {@code ping} to
 * probe. It configures the machine it runs on, or one of its network namespaces (target option
 * {@code netns}). It offers no {@link net.dtm.spi.config.CommitConfirmBehaviour}: Linux has no
 * commit-confirmed of its own, so the core's timer and snapshot roll back.
 */
public final class LinuxAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "linux";
    /** How long a wireguard-go process gets to end by itself once its interface is deleted, then after SIGTERM. */
    static final Duration WIREGUARD_GO_GRACE = Duration.ofSeconds(2);

    private final CommandRunner runner;
    private final ToolLocator locator;
    private final HostFiles files;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours;

    /** The adapter on the real operating system. */
    public LinuxAdapter() {
        this(new ProcessCommandRunner(), ToolLocator.system(), HostFiles.SYSTEM);
    }

    LinuxAdapter(CommandRunner runner, ToolLocator locator, HostFiles files) {
        this.runner = runner;
        this.locator = locator;
        this.files = files;
        LinuxWireGuardPeer peer = new LinuxWireGuardPeer();
        this.behaviours = Map.of(
                TunnelInterfaceBehaviour.class, new LinuxTunnelInterfaces(peer),
                AddressingBehaviour.class, new LinuxAddressing(),
                RouteBehaviour.class, new LinuxRoutes(),
                LinkSettingsBehaviour.class, new LinuxLinkSettings(),
                WireGuardPeerBehaviour.class, peer);
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
     * A session on {@code target}.
     *
     * @throws ConfigException for a remote target, unknown options or a namespace that does not exist
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        LinuxTarget t = LinuxTarget.of(target, files.netnsDir());
        LinuxHost host = new LinuxHost(runner, locator, t.netns(), t.commandTimeout());
        KernelModules modules = new KernelModules(host, files.sysModule());
        WireGuardSupport wireGuard = new WireGuardSupport(host, modules, files.tunDevice());
        WireGuardGoProcesses processes = new WireGuardGoProcesses(files.proc(), t.netns().map(files.netnsDir()::resolve),
                WIREGUARD_GO_GRACE);
        return new LinuxSession(host, new RunningStateReader(host), new BatchApplier(host, wireGuard, processes),
                new EndpointChecks(host, modules, wireGuard), new TunnelProbe(host));
    }
}

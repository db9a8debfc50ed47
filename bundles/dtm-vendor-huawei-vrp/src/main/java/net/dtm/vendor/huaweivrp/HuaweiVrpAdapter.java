package net.dtm.vendor.huaweivrp;

import java.util.Map;
import java.util.Objects;
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
 * The Huawei VRP vendor adapter: GRE and IPIP tunnel interfaces ({@code Tunnel0/0/N}, owned by DTM
 * when their description is {@code dtm:<intent name>}), their inner IPv4 address, MTU and static
 * routes, on a VRP 8 device in two-stage commit mode reached over SSH through the
 * {@link SshConnector} service. Changes go through the device's candidate and {@code commit trial}
 * ({@link CommitConfirmBehaviour}), so the device rolls a change back by itself if DTM never
 * confirms it. The tunnel numbers start at the adapter's {@code tunnel.base} (configuration
 * {@value HuaweiVrpAdapterComponent#PID}); target option {@code command.timeout.seconds} (see {@link VrpTarget}).
 */
public final class HuaweiVrpAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "huawei-vrp";

    private final SshConnector connector;
    private final TunnelNumbers numbers;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours;

    /**
     * The adapter connecting through {@code connector} and numbering tunnels from {@code tunnelBase}
     * ({@code dtm7} is {@code Tunnel0/0/<tunnelBase + 7>}).
     *
     * @throws IllegalArgumentException if {@code tunnelBase} is outside 0..65535
     */
    public HuaweiVrpAdapter(SshConnector connector, long tunnelBase) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.numbers = new TunnelNumbers(tunnelBase);
        this.behaviours = Map.of(
                TunnelInterfaceBehaviour.class, new VrpTunnelInterfaces(numbers),
                AddressingBehaviour.class, new VrpAddressing(numbers),
                RouteBehaviour.class, new VrpRoutes(numbers),
                LinkSettingsBehaviour.class, new VrpLinkSettings(numbers),
                CommitConfirmBehaviour.class, new VrpCommitConfirm());
    }

    /** The adapter with the default tunnel base, {@value TunnelNumbers#DEFAULT_BASE}. */
    public HuaweiVrpAdapter(SshConnector connector) {
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
     * Connects and turns paging off (the system view is entered on the first change).
     *
     * @throws ConfigException if the target is local, has unknown options or another tunnel.base (rejected), the device
     *                         cannot be reached or logged into, its host key changed, or it is not in
     *                         two-stage commit mode
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        VrpTarget settings = VrpTarget.of(target, numbers);
        String where = target.host() + (target.port() != 0 ? ":" + target.port() : "");
        SshConnection connection = connector.connect(target);
        try {
            return VrpSession.open(connection, settings, where);
        } catch (ConfigException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }
}

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
 * confirms it. Target options: {@code tunnel.base}, {@code command.timeout} (see {@link VrpTarget}).
 */
public final class HuaweiVrpAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "huawei-vrp";

    private final SshConnector connector;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours = Map.of(
            TunnelInterfaceBehaviour.class, new VrpTunnelInterfaces(),
            AddressingBehaviour.class, new VrpAddressing(),
            RouteBehaviour.class, new VrpRoutes(),
            LinkSettingsBehaviour.class, new VrpLinkSettings(),
            CommitConfirmBehaviour.class, new VrpCommitConfirm());

    /** The adapter connecting through {@code connector}. */
    public HuaweiVrpAdapter(SshConnector connector) {
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
     * Connects and turns paging off (the system view is entered on the first change).
     *
     * @throws ConfigException if the target is local or has unknown options (rejected), the device
     *                         cannot be reached or logged into, its host key changed, or it is not in
     *                         two-stage commit mode
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        VrpTarget settings = VrpTarget.of(target);
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

package net.dtm.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Params;

/**
 * Builds the PARAMS a node answers with: the lease's tunnel parameters from the pool and this
 * node's settings, the lease time the device is told, the data-plane fields for version 2 devices
 * and the server list of the {@link ClusterView}.
 */
final class ParamsBuilder {

    private final ServerSettings settings;
    private final AddressPoolAdminService pools;
    private final Clock clock;
    private final ClusterView view;
    private final DataPlane dataPlane;

    ParamsBuilder(ServerSettings settings, AddressPoolAdminService pools, Clock clock, ClusterView view,
                  DataPlane dataPlane) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.view = Objects.requireNonNull(view, "view");
        this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    }

    /**
     * PARAMS for a lease. For a fresh offer (LOCKED, not yet confirmed) the device is told the
     * pool's full lease time: its CONFIRM, sent at once, starts exactly that lifetime, so the
     * device never believes in a longer lease than it holds. Otherwise it is told what remains.
     * A version 1 device cannot read the data-plane fields: it gets none.
     *
     * @throws DtmException {@code no-pool} if the lease's pool is gone
     */
    Params params(Lease lease, boolean offer, boolean v2) {
        Pool pool = pools.pool(lease.pool())
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "pool " + lease.pool() + " does not exist"));
        int leaseSeconds;
        if (offer && lease.state() == LeaseState.LOCKED) {
            leaseSeconds = pool.leaseSeconds();
        } else {
            long remaining = Duration.between(Instant.now(clock), lease.expiresAt()).getSeconds();
            leaseSeconds = (int) Math.max(1, Math.min(remaining, Integer.MAX_VALUE));
        }
        long key = v2 ? DataPathEvents.tunnelKey(settings.tunnelType(), pool, lease.address()) : 0;
        String serverKey = v2 && settings.tunnelType() == TunnelType.WIREGUARD ? dataPlane.wireGuardPublicKey() : "";
        TunnelParameters parameters = new TunnelParameters(pool.innerAddress(lease.address()), pool.innerPrefixLength(),
                pool.gateway(), settings.tunnelEndpoint(), settings.tunnelType(), settings.mtu(), settings.keepaliveSeconds(),
                leaseSeconds, settings.nodeId(), key, serverKey);
        return new Params(parameters, lease.pool(), lease.sequence(), view.servers());
    }
}

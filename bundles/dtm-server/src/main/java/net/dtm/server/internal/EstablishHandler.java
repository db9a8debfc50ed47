package net.dtm.server.internal;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.Params;

/**
 * ESTABLISH: refused at once while the node is degraded ({@code refused.degraded}) or draining
 * ({@code refused.draining}), or for a tunnel type (or WireGuard key) the node does not offer;
 * otherwise a lease is allocated (in the asked pool, or the one serving the device; a request older
 * than the device's binding's persisted mark is refused {@code stale-sequence}) and offered in
 * PARAMS, and a version 2 device's data path is remembered.
 */
record EstablishHandler(RequestContext c) implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    @Override
    public CompletableFuture<Message> answer(Envelope request) {
        Establish establish = (Establish) request.body();
        String asked;
        try {
            asked = askedPool(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return c.pools().allocateAsync(asked, request.device(), establish.tunnelType(),
                establish.lastAddress().orElse(null), request.sequence()).thenApply(lease -> offered(request, lease));
    }

    /** Refuses a request this node does not serve; the pool asked for, or null to select one. */
    private String askedPool(Envelope request) {
        Establish establish = (Establish) request.body();
        DeviceId device = request.device();
        refuseIfNotServing(establish, request.version() >= 2);
        if (establish.pool().isEmpty()) {
            return null;
        }
        Pool pool = c.pools().pool(establish.pool())
                .orElseThrow(() -> new DtmException(Reason.NO_POOL, "no pool " + establish.pool()));
        if (!pool.serves(device, establish.tunnelType())) {
            throw new DtmException(Reason.NO_POOL, "pool " + pool.name() + " does not serve device " + device);
        }
        return pool.name();
    }

    /** PARAMS offering {@code lease}; a version 2 device's data path remembered. */
    private Message offered(Envelope request, Lease lease) {
        Establish establish = (Establish) request.body();
        DeviceId device = request.device();
        boolean v2 = request.version() >= 2;
        LOG.debug("lease offered: device={} pool={} address={} sequence={} node={}", device, lease.pool(),
                lease.address().getHostAddress(), lease.sequence(), c.nodeId());
        Params params = c.params().params(lease, true, v2);
        c.counters().increment(RequestHandler.LEASES_SERVED);
        if (v2) {
            c.dataPlane().events().ifPresent(paths -> paths.offered(device, establish.tunnelType(), establish.path(),
                    establish.devicePublicKey(), lease, request.sequence()));
        }
        return params;
    }

    private void refuseIfNotServing(Establish establish, boolean v2) {
        String node = c.nodeId();
        if (c.view().degraded()) {
            c.counters().increment("refused.degraded");
            throw new DtmException(Reason.STORE_UNAVAILABLE, "node " + node
                    + " cannot reach the store's quorum: no new leases here now, ask another server");
        }
        if (c.view().draining()) {
            c.counters().increment("refused.draining");
            throw new DtmException(Reason.NOT_SERVING, "node " + node + " is draining: ask another server");
        }
        TunnelType offered = c.settings().tunnelType();
        if (establish.tunnelType() != offered) {
            throw new DtmException(Reason.BAD_REQUEST, "tunnel type " + establish.tunnelType().name().toLowerCase(Locale.ROOT)
                    + " not offered by node " + node + " (offers " + offered.name().toLowerCase(Locale.ROOT) + ")");
        }
        if (v2 && establish.tunnelType() == TunnelType.WIREGUARD) {
            if (c.dataPlane().wireGuardPublicKey().isEmpty()) {
                throw new DtmException(Reason.BAD_REQUEST, "node " + node
                        + " has no WireGuard key (tunnel.wireguard.public.key)");
            }
            if (!DataPlane.isWireGuardKey(establish.devicePublicKey())) {
                throw new DtmException(Reason.BAD_REQUEST, "a WireGuard device must send its public key (base64 of 32 bytes)");
            }
        }
    }
}
